package io.networktopology.model;

import io.networktopology.api.v1alpha1.HTTPRouteSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.networktopology.Topologies.backendRef;
import static io.networktopology.Topologies.httpRoute;
import static io.networktopology.Topologies.streamRoute;
import static org.assertj.core.api.Assertions.assertThat;

class RouteValidatorTest {

    static Stream<Arguments> invalidTopologies() {
        return Stream.of(
                bad("backend not declared", t -> t.getSpec().getHttpRoutes().get(0).getRules().get(0).setBackendRefs(List.of(backendRef("nope", "80"))),
                        "spec.httpRoutes[0].rules[0].backendRefs[0].name", "\"nope\" is not a service declared in this topology"),
                bad("backend port missing", t -> t.getSpec().getHttpRoutes().get(0).getRules().get(0).setBackendRefs(List.of(backendRef("web", "81"))),
                        "spec.httpRoutes[0].rules[0].backendRefs[0].port", "service \"web\" has no port 81"),
                bad("backend port name missing", t -> t.getSpec().getHttpRoutes().get(0).getRules().get(0).setBackendRefs(List.of(backendRef("web", "https"))),
                        "spec.httpRoutes[0].rules[0].backendRefs[0].port", "service \"web\" has no port named \"https\""),
                bad("IP address as hostname", t -> t.getSpec().getHttpRoutes().get(0).setHostnames(List.of("192.0.2.1")),
                        "spec.httpRoutes[0].hostnames[0]", "is not a hostname"),
                bad("wildcard not leftmost", t -> t.getSpec().getHttpRoutes().get(0).setHostnames(List.of("shop.*.example.com")),
                        "spec.httpRoutes[0].hostnames[0]", "is not a hostname"),
                bad("no Gateway", t -> t.getSpec().getHttpRoutes().get(0).setParentRefs(List.of()),
                        "spec.httpRoutes[0].parentRefs", "at least one Gateway is required"),
                bad("path with //", t -> t.getSpec().getHttpRoutes().get(0).getRules().get(0).getMatches().get(0).getPath().setValue("/a//b"),
                        "spec.httpRoutes[0].rules[0].matches[0].path.value", "must be an absolute path"),
                bad("redirect with backends", t -> t.getSpec().getHttpRoutes().get(0).getRules().get(0).setFilters(List.of(redirect())),
                        "spec.httpRoutes[0].rules[0].backendRefs", "must not be used together with backendRefs"),
                bad("neither backends nor redirect", t -> t.getSpec().getHttpRoutes().get(0).getRules().get(0).setBackendRefs(null),
                        "spec.httpRoutes[0].rules[0].backendRefs", "a rule needs backendRefs or a RequestRedirect filter"),
                bad("filter without its settings", t -> {
                    HTTPRouteSpec.Filter filter = new HTTPRouteSpec.Filter();
                    filter.setType(HTTPRouteSpec.FilterType.RequestHeaderModifier);
                    t.getSpec().getHttpRoutes().get(0).getRules().get(0).setFilters(List.of(filter));
                }, "spec.httpRoutes[0].rules[0].filters[0].requestHeaderModifier", "required for a RequestHeaderModifier filter"),
                bad("duplicate names", t -> t.getSpec().getHttpRoutes().add(httpRoute("web", "edge", "b.example.com", "/=web:80")),
                        "spec.httpRoutes[1].name", "duplicate HTTPRoute name \"web\""),
                bad("tls route without SNI names", t -> t.getSpec().setTlsRoutes(List.of(streamRoute("db", "edge", null, "web:80"))),
                        "spec.tlsRoutes[0].hostnames", "a tlsRoute needs hostnames"),
                bad("tcp route with hostnames", t -> t.getSpec().setTcpRoutes(List.of(streamRoute("db", "edge", List.of("db.example.com"), "web:80"))),
                        "spec.tcpRoutes[0].hostnames", "a tcpRoute takes no hostnames"),
                bad("udp route to a TCP port", t -> t.getSpec().setUdpRoutes(List.of(streamRoute("dns", "edge", null, "web:http"))),
                        "spec.udpRoutes[0].rules[0].backendRefs[0].port", "port 80 of service \"web\" is TCP; this route carries UDP"),
                bad("ExternalName backend", t -> t.getSpec().setTcpRoutes(List.of(streamRoute("pay", "edge", null, "pay:443"))),
                        "spec.tcpRoutes[0].rules[0].backendRefs[0].name", "service \"pay\" is ExternalName"));
    }

    static HTTPRouteSpec.Filter redirect() {
        HTTPRouteSpec.Filter filter = new HTTPRouteSpec.Filter();
        filter.setType(HTTPRouteSpec.FilterType.RequestRedirect);
        HTTPRouteSpec.Redirect redirect = new HTTPRouteSpec.Redirect();
        redirect.setScheme("https");
        filter.setRequestRedirect(redirect);
        return filter;
    }

    private static Arguments bad(String name, Consumer<NetworkTopology> change, String path, String message) {
        return Arguments.of(name, change, path, message);
    }

    static NetworkTopology shop() {
        NetworkTopology topology = GatewayRouteModelTest.shop();
        topology.getSpec().getServices().add(io.networktopology.Topologies.externalName("pay", "pay.example.com"));
        topology.getSpec().setHttpRoutes(new ArrayList<>(List.of(httpRoute("web", "gateways/edge", "shop.example.com", "/=web:http"))));
        return topology;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTopologies")
    void reportsEachProblemWithItsFieldPath(String name, Consumer<NetworkTopology> change, String path, String message) {
        NetworkTopology topology = shop();
        change.accept(topology);
        assertThat(TopologyValidator.validate(topology)).as("problems for: %s", name)
                .anySatisfy(p -> {
                    assertThat(p.path()).isEqualTo(path);
                    assertThat(p.message()).contains(message);
                });
    }

    @Test
    void aTopologyWithEveryRouteKindDeclaredWellHasNoProblems() {
        NetworkTopology topology = shop();
        topology.getSpec().getHttpRoutes().get(0).setHostnames(List.of("shop.example.com", "*.shop.example.com"));
        HTTPRouteSpec.Rule redirectOnly = new HTTPRouteSpec.Rule();
        redirectOnly.setFilters(List.of(redirect()));
        topology.getSpec().getHttpRoutes().add(httpRoute("to-https", "gateways/edge/http", "shop.example.com"));
        topology.getSpec().getHttpRoutes().get(1).setRules(List.of(redirectOnly));
        topology.getSpec().setTlsRoutes(List.of(streamRoute("db-tls", "edge", List.of("db.example.com"), "db:pg")));
        topology.getSpec().setTcpRoutes(List.of(streamRoute("db", "edge", null, "db:5432")));
        topology.getSpec().setUdpRoutes(List.of(streamRoute("dns", "edge", null, "dns:dns")));
        assertThat(TopologyValidator.validate(topology)).isEmpty();
    }
}
