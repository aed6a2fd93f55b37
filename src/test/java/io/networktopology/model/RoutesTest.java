package io.networktopology.model;

import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.IngressTLSSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.ingress;
import static io.networktopology.Topologies.topology;
import static io.networktopology.Topologies.withIngresses;
import static org.assertj.core.api.Assertions.assertThat;

class RoutesTest {

    @Test
    void aWildcardCoversExactlyOneLeftmostLabel() {
        assertThat(Routes.covers("*.example.com", "shop.example.com")).isTrue();
        assertThat(Routes.covers("*.example.com", "a.shop.example.com")).isFalse();
        assertThat(Routes.covers("*.example.com", "example.com")).isFalse();
        assertThat(Routes.covers("*.example.com", "*.example.com")).isTrue();
        assertThat(Routes.covers("shop.example.com", "*.example.com")).isFalse();
    }

    @Test
    void urlsAreHttpsWhereTlsCoversTheHost() {
        IngressSpec shop = ingress("shop", "shop.example.com", "/=web:80");
        shop.setTls(List.of(new IngressTLSSpec(List.of("*.example.com", "orphan.example.org"), "tls")));
        assertThat(Routes.url(shop, "shop.example.com", "/cart")).isEqualTo("https://shop.example.com/cart");
        assertThat(Routes.url(shop, "shop.example.org", "/")).isEqualTo("http://shop.example.org/");
        assertThat(Routes.url(shop, null, "/")).isEqualTo("http://*/");
        assertThat(Routes.uncoveredTlsHosts(shop)).containsExactly("orphan.example.org");
    }

    @Test
    void theOlderTopologyKeepsARouteAndTheNewerIsToldWhoHasIt() {
        NetworkTopology older = withIngresses(topology("shop", "first", clusterIp("web")), ingress("web", "shop.example.com", "/=web:80"));
        older.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
        NetworkTopology newer = withIngresses(topology("shop", "second", clusterIp("web2")),
                ingress("web2", "shop.example.com", "/=web2:80"), ingress("other", "other.example.com", "/=web2:80"));
        newer.getMetadata().setCreationTimestamp("2026-01-02T00:00:00Z");

        assertThat(RouteOwnership.conflicts(older, List.of(older, newer))).isEmpty();
        assertThat(RouteOwnership.conflicts(newer, List.of(older, newer))).containsExactlyEntriesOf(java.util.Map.of("web2",
                "route shop.example.com/ is already routed by topology first (ingress web); this ingress was not written"));
    }

    @Test
    void sameCreationTimeIsDecidedByName() {
        NetworkTopology a = withIngresses(topology("shop", "a", clusterIp("web")), ingress("x", "h.example.com", "/=web:80"));
        NetworkTopology b = withIngresses(topology("shop", "b", clusterIp("web")), ingress("y", "h.example.com", "/=web:80"));
        a.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
        b.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
        assertThat(RouteOwnership.conflicts(a, List.of(a, b))).isEmpty();
        assertThat(RouteOwnership.conflicts(b, List.of(a, b))).containsKey("y");
    }
    @Test
    void onASharedGatewayTheOlderTopologysRouteKeepsAHostnameAndMatchAcrossNamespaces() {
        NetworkTopology older = topology("shop", "shop", clusterIp("web"));
        older.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
        older.getSpec().setHttpRoutes(List.of(io.networktopology.Topologies.httpRoute("web", "infra/edge", "shop.example.com", "/=web:80")));
        older.getSpec().setTlsRoutes(List.of(io.networktopology.Topologies.streamRoute("db", "infra/edge", List.of("db.example.com"), "web:443")));
        NetworkTopology newer = topology("blog", "blog", clusterIp("web"));
        newer.getMetadata().setCreationTimestamp("2026-01-02T00:00:00Z");
        newer.getSpec().setHttpRoutes(List.of(
                io.networktopology.Topologies.httpRoute("same", "infra/edge", "SHOP.example.com", "/=web:80"),
                io.networktopology.Topologies.httpRoute("otherpath", "infra/edge", "shop.example.com", "/blog=web:80"),
                io.networktopology.Topologies.httpRoute("othergateway", "infra/internal", "shop.example.com", "/=web:80")));
        newer.getSpec().setTlsRoutes(List.of(io.networktopology.Topologies.streamRoute("db", "infra/edge", List.of("db.example.com"), "web:443")));

        assertThat(RouteOwnership.routeConflicts(newer, List.of(older, newer))).containsOnlyKeys("HTTPRoute/same", "TLSRoute/db")
                .containsEntry("HTTPRoute/same", "http shop.example.com PathPrefix / on Gateway infra/edge is already routed by topology"
                        + " shop/shop (HTTPRoute web); this route was not written")
                .containsEntry("TLSRoute/db", "tls db.example.com on Gateway infra/edge is already routed by topology shop/shop (TLSRoute db);"
                        + " this route was not written");
        assertThat(RouteOwnership.routeConflicts(older, List.of(older, newer))).as("the older keeps what it has").isEmpty();
    }
    @Test
    void aRouteThatLostClaimsNothingAndClaimsOnOtherListenersDoNotMeet() {
        NetworkTopology a = topology("a", "a", clusterIp("web"));
        a.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
        a.getSpec().setHttpRoutes(List.of(io.networktopology.Topologies.httpRoute("x", "infra/edge", "x.example.com", "/=web:80")));
        NetworkTopology b = topology("b", "b", clusterIp("web"));
        b.getMetadata().setCreationTimestamp("2026-01-02T00:00:00Z");
        var both = io.networktopology.Topologies.httpRoute("xy", "infra/edge", "x.example.com", "/=web:80");
        both.setHostnames(List.of("x.example.com", "y.example.com"));
        b.getSpec().setHttpRoutes(List.of(both));
        NetworkTopology c = topology("c", "c", clusterIp("web"));
        c.getMetadata().setCreationTimestamp("2026-01-03T00:00:00Z");
        c.getSpec().setHttpRoutes(List.of(io.networktopology.Topologies.httpRoute("y", "infra/edge", "y.example.com", "/=web:80")));
        List<NetworkTopology> all = List.of(c, b, a);
        assertThat(RouteOwnership.routeConflicts(b, all)).containsOnlyKeys("HTTPRoute/xy");
        // b's route is not written, so y.example.com is nobody's: c keeps it (before, nobody served it).
        assertThat(RouteOwnership.routeConflicts(c, all)).isEmpty();

        // The same host on two listeners of one Gateway is two claims; a route on every listener meets both.
        NetworkTopology http = topology("h", "h", clusterIp("web"));
        http.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
        http.getSpec().setHttpRoutes(List.of(io.networktopology.Topologies.httpRoute("web", "infra/edge/http", "shop.example.com", "/=web:80")));
        NetworkTopology https = topology("s", "s", clusterIp("web"));
        https.getMetadata().setCreationTimestamp("2026-01-02T00:00:00Z");
        https.getSpec().setHttpRoutes(List.of(io.networktopology.Topologies.httpRoute("web", "infra/edge/https", "shop.example.com", "/=web:80")));
        NetworkTopology every = topology("e", "e", clusterIp("web"));
        every.getMetadata().setCreationTimestamp("2026-01-03T00:00:00Z");
        every.getSpec().setHttpRoutes(List.of(io.networktopology.Topologies.httpRoute("web", "infra/edge", "shop.example.com", "/=web:80")));
        assertThat(RouteOwnership.routeConflicts(https, List.of(http, https, every))).isEmpty();
        assertThat(RouteOwnership.routeConflicts(every, List.of(http, https, every))).containsOnlyKeys("HTTPRoute/web");
    }
}
