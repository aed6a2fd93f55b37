package io.networktopology.model;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder;
import io.networktopology.api.v1alpha1.EntryPoint;
import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.IngressTLSSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.externalName;
import static io.networktopology.Topologies.ingress;
import static io.networktopology.Topologies.port;
import static io.networktopology.Topologies.service;
import static io.networktopology.Topologies.topology;
import static io.networktopology.Topologies.withIngresses;
import static org.assertj.core.api.Assertions.assertThat;

class EntryPointsTest {

    @Test
    void nodePortsListTheNodesTheOperatorSeesAndIngressesTheWholeWay() {
        ServiceSpec admin = service("admin", ServiceType.NodePort, port("http", 8080, 8080));
        admin.getPorts().get(0).setNodePort(30080);
        IngressSpec shop = ingress("shop", "shop.example.com", "/=web:http", "/pay=pay:443");
        shop.setClassName("nginx");
        shop.setTls(List.of(new IngressTLSSpec(List.of("shop.example.com"), "tls")));
        NetworkTopology topology = withIngresses(topology("shop", "shop", clusterIp("web"), admin,
                externalName("pay", "payments.example.com")), shop);
        Ingress actual = IngressModel.desiredIngresses(topology).get(0);
        actual.setStatus(new IngressStatusBuilder().withNewLoadBalancer().addNewIngress().withIp("203.0.113.7").endIngress()
                .endLoadBalancer().build());

        List<EntryPoint> entries = EntryPoints.of(topology.getSpec(), Map.<String, Service>of(), Map.of("shop", actual),
                List.of("192.0.2.11", "192.0.2.12", "192.0.2.13", "192.0.2.14"));

        assertThat(entries).extracting(EntryPoint::getPath).containsExactly(
                "192.0.2.11:30080, 192.0.2.12:30080, 192.0.2.13:30080 (+1 more nodes) → service admin:8080 → pods app=admin :8080",
                "https://shop.example.com/ → ingress shop (class nginx, 203.0.113.7) → service web:80 (http) → pods app=web :8080",
                "https://shop.example.com/pay (and below) → ingress shop (class nginx, 203.0.113.7) → service pay (ExternalName → payments.example.com; the ingress controller must support ExternalName backends)");
        assertThat(entries.get(1).getKind()).isEqualTo(EntryPoint.Kind.Ingress);
        assertThat(entries.get(1).getAddress()).isEqualTo("https://shop.example.com/");
    }

    @Test
    void unassignedAddressesSaySo() {
        ServiceSpec lb = service("lb", ServiceType.LoadBalancer, port("https", 443, 8443));
        NetworkTopology topology = topology("shop", "shop", lb);
        List<EntryPoint> entries = EntryPoints.of(topology.getSpec(), Map.of(), Map.of(), List.of());
        assertThat(entries).extracting(EntryPoint::getAddress)
                .containsExactly("<any-node-ip>:<pending>", "<pending load balancer>:443");
    }
    @Test
    void aRouteIsReachedThroughEachListenerItAttachesToOrSaysItHasNone() {
        NetworkTopology topology = topology("shop", "shop", clusterIp("web"));
        var web = io.networktopology.Topologies.httpRoute("web", "gateways/edge", "shop.example.com", "/=web:80");
        var tcp = io.networktopology.Topologies.streamRoute("db", "gateways/edge/nope", null, "web:80");
        topology.getSpec().setHttpRoutes(List.of(web));
        topology.getSpec().setTcpRoutes(List.of(tcp));
        var http = new GatewayListeners.Listener("gateways/edge", "http", "HTTP", 80, null, false, null, List.of("10.99.0.1"));
        var https = new GatewayListeners.Listener("gateways/edge", "https", "HTTPS", 8443, null, false, null, List.of());
        List<io.networktopology.api.v1alpha1.EntryPoint> entries = EntryPoints.ofRoutes(topology.getSpec(),
                java.util.Map.of("HTTPRoute/web", List.of(http, https), "TCPRoute/db", List.of()));
        assertThat(entries).extracting(io.networktopology.api.v1alpha1.EntryPoint::getPath).containsExactly(
                "http://shop.example.com → Gateway gateways/edge listener http (HTTP 10.99.0.1:80) → HTTPRoute web → service web:80 → pods app=web :8080",
                "https://shop.example.com:8443 → Gateway gateways/edge listener https (HTTPS <pending address>:8443) → HTTPRoute web → service web:80 → pods app=web :8080",
                "Gateway gateways/edge/nope (no listener seen that takes TCPRoutes) → TCPRoute db → service web:80 → pods app=web :8080");
        assertThat(entries).allSatisfy(e -> assertThat(e.getKind()).isEqualTo(io.networktopology.api.v1alpha1.EntryPoint.Kind.Gateway));
        assertThat(entries.get(2).getAddress()).isEqualTo("<no listener of gateways/edge/nope>");
    }
}
