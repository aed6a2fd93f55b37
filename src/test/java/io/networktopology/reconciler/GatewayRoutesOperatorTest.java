package io.networktopology.reconciler;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.embedded.EmbeddedKubernetes;
import io.networktopology.status.ConditionList;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.networktopology.Topologies.httpRoute;
import static io.networktopology.Topologies.port;
import static io.networktopology.Topologies.service;
import static io.networktopology.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The operator's side of Gateway API routes against the embedded API (the real API server: RealGatewayApiTest). */
class GatewayRoutesOperatorTest {

    static final String AGENT = "network-topology-operator/routes-test";

    static NetworkTopology shop(String namespace) {
        NetworkTopology t = topology(namespace, "shop", service("web", ServiceType.ClusterIP, port("http", 80, 8080)));
        t.getSpec().setHttpRoutes(List.of(httpRoute("web", "gateways/edge", "shop.example.com", "/=web:http")));
        return t;
    }

    static io.fabric8.kubernetes.api.model.Condition routesReady(KubernetesClient driver, String namespace) {
        NetworkTopology t = driver.resources(NetworkTopology.class).inNamespace(namespace).withName("shop").get();
        return t == null || t.getStatus() == null ? null : ConditionList.find(t.getStatus().getConditions(), "RoutesReady");
    }

    static Operator operator(EmbeddedKubernetes api) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(api.url()).withUserAgent(AGENT).withNamespace("default").build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        return PlainOperator.start(client, new NetworkTopologyReconciler("cluster.local"));
    }

    @Test
    void manyTopologiesWaitingForTheGatewayApiAskTheApiServerOnce() {
        try (EmbeddedKubernetes api = EmbeddedKubernetes.start(AGENT); KubernetesClient driver = api.client()) {
            EmbeddedKubernetes.installCrd(driver);
            Operator operator = operator(api);
            try {
                for (int i = 0; i < 10; i++) {
                    driver.resource(new NamespaceBuilder().withNewMetadata().withName("team" + i).endMetadata().build()).create();
                    driver.resource(shop("team" + i)).create();
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> java.util.stream.IntStream.range(0, 10).allMatch(i -> {
                    var c = routesReady(driver, "team" + i);
                    return c != null && "GatewayAPINotInstalled".equals(c.getReason());
                }));
                assertThat(driver.services().inNamespace("team3").withName("web").get()).as("the other parts still apply").isNotNull();
                long discoveries = api.recordedRequests().stream()
                        .filter(r -> r.matches("GET /apis(/gateway\\.networking\\.k8s\\.io(/[^/?]+)?)?(\\?.*)?")).count();
                assertThat(discoveries).as("discovery requests for 10 topologies waiting for the Gateway API").isEqualTo(1);
            } finally {
                operator.stop();
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aServedRouteIsWrittenAndItsGatewaysAnswerIsRoutesReady() {
        try (EmbeddedKubernetes api = EmbeddedKubernetes.start(AGENT).serveGatewayApi(); KubernetesClient driver = api.client()) {
            EmbeddedKubernetes.installCrd(driver);
            Operator operator = operator(api);
            try {
                driver.resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
                driver.resource(shop("shop")).create();
                var routes = driver.genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute").inNamespace("shop");
                await().atMost(Duration.ofSeconds(30)).until(() -> routes.withName("web").get() != null
                        && routesReady(driver, "shop") != null && "AwaitingGateway".equals(routesReady(driver, "shop").getReason()));

                acceptedByEdge(routes);
                await().atMost(Duration.ofSeconds(30)).until(() -> "True".equals(routesReady(driver, "shop").getStatus()));
                assertThat(routesReady(driver, "shop").getMessage()).isEqualTo("1 route accepted by gateways/edge");
            } finally {
                operator.stop();
            }
        }
    }
    @Test
    void theGatewaysAddressIsWhereTheRouteIsEnteredAndTheOlderTopologyKeepsASharedHostname() throws Exception {
        try (EmbeddedKubernetes api = EmbeddedKubernetes.start(AGENT).serveGatewayApi(); KubernetesClient driver = api.client()) {
            EmbeddedKubernetes.installCrd(driver);
            var gateways = driver.genericKubernetesResources("gateway.networking.k8s.io/v1", "Gateway").inNamespace("gateways");
            GenericKubernetesResource edge = io.fabric8.kubernetes.client.utils.Serialization.unmarshal("""
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: Gateway
                    metadata: {name: edge, namespace: gateways}
                    spec:
                      gatewayClassName: example
                      listeners: [{name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}]
                    """, GenericKubernetesResource.class);
            gateways.resource(edge).create();
            EmbeddedKubernetes.createGatewayClass(driver, "example", "GRPCRoute", "TLSRoute");
            Operator operator = operator(api);
            try {
                for (String namespace : List.of("shop", "blog")) {
                    driver.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
                }
                driver.resource(shop("shop")).create();
                await().atMost(Duration.ofSeconds(30)).until(() -> entryPoints(driver, "shop").contains(
                        "http://shop.example.com → Gateway gateways/edge listener http (HTTP <pending address>:80) → HTTPRoute web → service web:80 (http) → pods app=web :8080"));
                // The Gateway's controller publishes its address: the topology is looked at again, without a change of its own.
                GenericKubernetesResource published = gateways.withName("edge").get();
                published.setAdditionalProperty("status", Map.of("addresses", List.of(Map.of("type", "IPAddress", "value", "203.0.113.9"))));
                gateways.resource(published).updateStatus();
                await().atMost(Duration.ofSeconds(30)).until(() -> entryPoints(driver, "shop").stream().anyMatch(e -> e.contains("(HTTP 203.0.113.9:80)")));

                Thread.sleep(1100); // creation times have a second's resolution: the blog is the newer one
                driver.resource(shop("blog")).create();
                await().atMost(Duration.ofSeconds(30)).until(() -> routesReady(driver, "blog") != null
                        && "RouteConflict".equals(routesReady(driver, "blog").getReason()));
                assertThat(routesReady(driver, "blog").getMessage()).isEqualTo("HTTPRoute web: http shop.example.com PathPrefix / on Gateway"
                        + " gateways/edge is already routed by topology shop/shop (HTTPRoute web); this route was not written");
                assertThat(driver.genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute").inNamespace("blog").withName("web").get())
                        .isNull();
                var shopRoutes = driver.genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute").inNamespace("shop");
                assertThat(shopRoutes.withName("web").get()).isNotNull();

                // Accepted by a Gateway whose class does not claim HTTPRoute: Ready, and said.
                acceptedByEdge(shopRoutes);
                await().atMost(Duration.ofSeconds(30)).until(() -> "True".equals(routesReady(driver, "shop").getStatus()));
                assertThat(routesReady(driver, "shop").getMessage()).isEqualTo("1 route accepted by gateways/edge; HTTPRoute web: GatewayClass"
                        + " example does not list HTTPRoute in its supportedFeatures: its Gateway accepted the route but may ignore what it asks");
            } finally {
                operator.stop();
            }
        }
    }

    /** The route "web" as the controller of Gateway gateways/edge leaves it when it accepts it. */
    static void acceptedByEdge(io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList, io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> routes) {
        GenericKubernetesResource route = routes.withName("web").get();
        route.setAdditionalProperty("status", Map.of("parents", List.of(Map.of(
                "parentRef", Map.of("name", "edge", "namespace", "gateways"), "controllerName", "example.com/gateway",
                "conditions", List.of(Map.of("type", "Accepted", "status", "True", "reason", "Accepted", "message", "",
                        "observedGeneration", route.getMetadata().getGeneration() == null ? 1 : route.getMetadata().getGeneration()))))));
        routes.resource(route).updateStatus();
    }

    static List<String> entryPoints(KubernetesClient driver, String namespace) {
        NetworkTopology t = driver.resources(NetworkTopology.class).inNamespace(namespace).withName("shop").get();
        return t == null || t.getStatus() == null || t.getStatus().getEntryPoints() == null ? List.of()
                : t.getStatus().getEntryPoints().stream().map(io.networktopology.api.v1alpha1.EntryPoint::getPath).toList();
    }
}
