package io.networktopology.model;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.networktopology.api.v1alpha1.GRPCRouteSpec;
import io.networktopology.api.v1alpha1.HTTPRouteSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.PortProtocol;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.model.GatewayRouteModel.Kind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.networktopology.Topologies.backendRef;
import static io.networktopology.Topologies.httpRoute;
import static io.networktopology.Topologies.parentRef;
import static io.networktopology.Topologies.port;
import static io.networktopology.Topologies.service;
import static io.networktopology.Topologies.streamRoute;
import static io.networktopology.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;

class GatewayRouteModelTest {

    static NetworkTopology shop() {
        var dnsPort = port("dns", 53, 5353);
        dnsPort.setProtocol(PortProtocol.UDP);
        return topology("shop", "shop", service("web", ServiceType.ClusterIP, port("http", 80, 8080)),
                service("db", ServiceType.ClusterIP, port("pg", 5432, 5432)), service("dns", ServiceType.ClusterIP, dnsPort));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(GenericKubernetesResource route) {
        return (Map<String, Object>) route.getAdditionalProperties().get("spec");
    }

    @Test
    void anHttpRouteIsWrittenWithTheGatewayApisDefaultsAndItsNamedPortsAsNumbers() {
        NetworkTopology topology = shop();
        topology.getSpec().setHttpRoutes(List.of(httpRoute("web", "edge", "shop.example.com", "/api=web:http")));

        List<GenericKubernetesResource> routes = GatewayRouteModel.desiredRoutes(topology, Kind.HTTPRoute, "gateway.networking.k8s.io/v1");

        assertThat(routes).singleElement().satisfies(route -> {
            assertThat(route.getApiVersion()).isEqualTo("gateway.networking.k8s.io/v1");
            assertThat(route.getKind()).isEqualTo("HTTPRoute");
            assertThat(route.getMetadata().getNamespace()).isEqualTo("shop");
            assertThat(route.getMetadata().getLabels()).containsEntry(ChildLabels.TOPOLOGY, "shop");
            assertThat(spec(route)).containsEntry("hostnames", List.of("shop.example.com"))
                    .containsEntry("parentRefs", List.of(Map.of("group", "gateway.networking.k8s.io", "kind", "Gateway", "name", "edge",
                            "namespace", "shop")))
                    .containsEntry("rules", List.of(Map.of(
                            "matches", List.of(Map.of("path", Map.of("type", "PathPrefix", "value", "/api"))),
                            "backendRefs", List.of(Map.of("group", "", "kind", "Service", "name", "web", "port", 80, "weight", 1)))));
        });
    }

    @Test
    void aRuleWithoutMatchesIsWrittenAsTheApiServerDefaultsIt() {
        NetworkTopology topology = shop();
        HTTPRouteSpec route = httpRoute("web", "gateways/edge/http", null);
        HTTPRouteSpec.Rule rule = new HTTPRouteSpec.Rule();
        rule.setBackendRefs(List.of(backendRef("web", "80")));
        route.setRules(List.of(rule));
        topology.getSpec().setHttpRoutes(List.of(route));

        Map<String, Object> spec = spec(GatewayRouteModel.desiredRoutes(topology, Kind.HTTPRoute, "gateway.networking.k8s.io/v1").get(0));

        assertThat(spec).doesNotContainKey("hostnames");
        assertThat(spec.get("parentRefs")).isEqualTo(List.of(Map.of("group", "gateway.networking.k8s.io", "kind", "Gateway", "name", "edge",
                "namespace", "gateways", "sectionName", "http")));
        assertThat(spec.get("rules")).isEqualTo(List.of(Map.of("matches", List.of(Map.of("path", Map.of("type", "PathPrefix", "value", "/"))),
                "backendRefs", List.of(Map.of("group", "", "kind", "Service", "name", "web", "port", 80, "weight", 1)))));
    }

    @Test
    void tlsRoutesKeepTheirSniNamesAndTcpAndUdpRoutesTakeEveryConnection() {
        NetworkTopology topology = shop();
        topology.getSpec().setTlsRoutes(List.of(streamRoute("db-tls", "edge", List.of("db.example.com"), "db:pg")));
        topology.getSpec().setTcpRoutes(List.of(streamRoute("db", "edge", null, "db:5432")));
        topology.getSpec().setUdpRoutes(List.of(streamRoute("dns", "edge", null, "dns:dns")));

        assertThat(spec(GatewayRouteModel.desiredRoutes(topology, Kind.TLSRoute, "gateway.networking.k8s.io/v1alpha2").get(0)))
                .containsEntry("hostnames", List.of("db.example.com"));
        Map<String, Object> tcp = spec(GatewayRouteModel.desiredRoutes(topology, Kind.TCPRoute, "gateway.networking.k8s.io/v1alpha2").get(0));
        assertThat(tcp).doesNotContainKey("hostnames").containsEntry("rules", List.of(Map.of("backendRefs",
                List.of(Map.of("group", "", "kind", "Service", "name", "db", "port", 5432, "weight", 1)))));
        assertThat(spec(GatewayRouteModel.desiredRoutes(topology, Kind.UDPRoute, "gateway.networking.k8s.io/v1alpha2").get(0)).get("rules"))
                .isEqualTo(List.of(Map.of("backendRefs", List.of(Map.of("group", "", "kind", "Service", "name", "dns", "port", 53, "weight", 1)))));
    }

    @Test
    void aGrpcRouteMatchesMethodsExactly() {
        NetworkTopology topology = shop();
        GRPCRouteSpec grpc = new GRPCRouteSpec();
        grpc.setName("health");
        grpc.setParentRefs(List.of(parentRef("edge")));
        GRPCRouteSpec.Rule rule = new GRPCRouteSpec.Rule();
        GRPCRouteSpec.Match match = new GRPCRouteSpec.Match();
        match.setMethod(new GRPCRouteSpec.MethodMatch("grpc.health.v1.Health", "Check"));
        rule.setMatches(List.of(match));
        rule.setBackendRefs(List.of(backendRef("web", "http")));
        grpc.setRules(List.of(rule));
        topology.getSpec().setGrpcRoutes(new ArrayList<>(List.of(grpc)));

        assertThat(spec(GatewayRouteModel.desiredRoutes(topology, Kind.GRPCRoute, "gateway.networking.k8s.io/v1").get(0)).get("rules"))
                .isEqualTo(List.of(Map.of("matches", List.of(Map.of("method", Map.of("type", "Exact", "service", "grpc.health.v1.Health",
                        "method", "Check"))), "backendRefs", List.of(Map.of("group", "", "kind", "Service", "name", "web", "port", 80, "weight", 1)))));
    }
}
