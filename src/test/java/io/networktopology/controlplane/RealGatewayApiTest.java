package io.networktopology.controlplane;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.RouteStatus;
import io.networktopology.reconciler.NetworkTopologyReconciler;
import io.networktopology.status.ConditionList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.networktopology.Topologies.httpRoute;
import static io.networktopology.Topologies.port;
import static io.networktopology.Topologies.service;
import static io.networktopology.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Gateway API routes against a real kube-apiserver, with the Gateway API's own CRDs (from the Go module
 * {@code sigs.k8s.io/gateway-api}): a topology declaring a route before the CRDs exist is told what to install and
 * its other parts still apply; once the CRDs are installed the route is written without a restart; the Gateway's
 * answer (played here: there is no Gateway controller on this control plane) becomes RoutesReady; and a fresh
 * operator writes nothing (the route as applied is what the API server keeps, its defaults included).
 */
@ExtendWith(RealControlPlaneExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealGatewayApiTest {

    static final String GATEWAY_API = "v1.4.1";
    static final String NS = "routes";
    static KubernetesClient client;
    static Operator operator;
    static NetworkTopologyReconciler reconciler;
    static ControlPlane plane;

    @BeforeAll
    static void start(ControlPlane controlPlane) throws Exception {
        plane = controlPlane;
        client = plane.client();
        RealApiServerTest.installCrd(client);
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        startOperator();
    }

    static void startOperator() {
        reconciler = new NetworkTopologyReconciler("cluster.local");
        KubernetesClient operatorClient = plane.operatorClient();
        operator = new Operator(o -> o.withKubernetesClient(operatorClient));
        operator.register(reconciler);
        operator.start();
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.stop();
        }
        if (client != null) {
            client.close();
        }
    }

    static void awaitEstablished(String name) {
        await().atMost(Duration.ofSeconds(60)).until(() -> RealApiServerTest.established(client, name));
    }

    /** The Gateway API's CRDs, as tools/control-plane/build.sh took them from the Go module sigs.k8s.io/gateway-api. */
    static Path gatewayApiCrds() {
        Path crds = plane.bin("kubectl").getParent().getParent().resolve("gateway-api-" + GATEWAY_API);
        assertThat(crds.resolve("standard")).as("built by tools/control-plane/build.sh").isDirectory();
        return crds;
    }

    static NetworkTopology shop() {
        NetworkTopology t = topology(NS, "shop", service("web", io.networktopology.api.v1alpha1.ServiceType.ClusterIP, port("http", 80, 8080)));
        t.getSpec().setHttpRoutes(List.of(httpRoute("web", "gateways/edge", "shop.example.com", "/=web:http")));
        return t;
    }

    static NetworkTopology current() {
        return client.resources(NetworkTopology.class).inNamespace(NS).withName("shop").get();
    }

    static io.fabric8.kubernetes.api.model.Condition condition(String type) {
        NetworkTopology t = current();
        return t == null || t.getStatus() == null ? null : ConditionList.find(t.getStatus().getConditions(), type);
    }

    static GenericKubernetesResource route() {
        return client.genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute").inNamespace(NS).withName("web").get();
    }

    @Test
    @Order(1)
    void aRouteOfAKindTheClusterDoesNotServeIsReportedAndTheRestApplies() {
        client.resource(shop()).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> condition("RoutesReady") != null && condition("ServicesReady") != null);
        assertThat(condition("ServicesReady").getStatus()).isEqualTo("True");
        io.fabric8.kubernetes.api.model.Condition routes = condition("RoutesReady");
        assertThat(routes.getStatus()).isEqualTo("False");
        assertThat(routes.getReason()).isEqualTo("GatewayAPINotInstalled");
        assertThat(routes.getMessage()).startsWith("HTTPRoute web: this cluster does not serve httproutes.gateway.networking.k8s.io: install the"
                + " Gateway API CRDs (standard channel");
        assertThat(current().getStatus().getRoutesReady()).isEqualTo("0/1");
        System.out.print("[kubectl describe: RoutesReady without the Gateway API]\n" + kubectl("get", "ntopo", "shop", "-n", NS, "-o",
                "jsonpath={range .status.conditions[*]}{.type}{\"\\t\"}{.status}{\"\\t\"}{.reason}{\"\\t\"}{.message}{\"\\n\"}{end}"));
    }

    @Test
    @Order(2)
    void onceTheCrdsAreInstalledTheRouteIsWrittenWithoutARestart() throws Exception {
        Path crds = gatewayApiCrds();
        for (Path file : List.of(crds.resolve("standard/gateway.networking.k8s.io_gatewayclasses.yaml"),
                crds.resolve("standard/gateway.networking.k8s.io_gateways.yaml"), crds.resolve("standard/gateway.networking.k8s.io_httproutes.yaml"),
                crds.resolve("standard/gateway.networking.k8s.io_grpcroutes.yaml"), crds.resolve("experimental/gateway.networking.k8s.io_tlsroutes.yaml"),
                crds.resolve("experimental/gateway.networking.k8s.io_tcproutes.yaml"), crds.resolve("experimental/gateway.networking.k8s.io_udproutes.yaml"))) {
            CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
            client.resource(crd).serverSideApply();
            awaitEstablished(crd.getMetadata().getName());
        }
        long start = System.nanoTime();
        // Discovery is asked again every 30 s while a topology waits; the waiting topologies are woken when the kind appears.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> route() != null);
        System.out.printf("[route written %.1f s after the CRDs were installed]%n", (System.nanoTime() - start) / 1e9);
        GenericKubernetesResource route = route();
        assertThat(route.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getName()).isEqualTo("shop"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "AwaitingGateway".equals(condition("RoutesReady").getReason()));
        assertThat(condition("RoutesReady").getMessage()).isEqualTo("HTTPRoute web: waiting for the controller of Gateway gateways/edge to accept it");
        assertThat(condition("ServicesReady").getStatus()).isEqualTo("True");
    }

    /** Plays the Gateway's controller: writes the route's status for Gateway gateways/edge. */
    static void gatewaySays(String acceptedStatus, String reason, String message) {
        GenericKubernetesResource route = route();
        route.setAdditionalProperty("status", Map.of("parents", List.of(Map.of(
                "parentRef", Map.of("group", "gateway.networking.k8s.io", "kind", "Gateway", "name", "edge", "namespace", "gateways"),
                "controllerName", "example.com/gateway-controller",
                "conditions", List.of(
                        Map.of("type", "Accepted", "status", acceptedStatus, "reason", reason, "message", message,
                                "observedGeneration", route.getMetadata().getGeneration(), "lastTransitionTime", "2026-12-07T00:00:00Z"),
                        Map.of("type", "ResolvedRefs", "status", "True", "reason", "ResolvedRefs", "message", "",
                                "observedGeneration", route.getMetadata().getGeneration(), "lastTransitionTime", "2026-12-07T00:00:00Z"))))));
        client.genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute").inNamespace(NS).resource(route).updateStatus();
    }

    @Test
    @Order(3)
    void theGatewaysAnswerIsRoutesReady() {
        gatewaySays("False", "NotAllowedByListeners", "No listener of gateways/edge allows routes from namespace routes");
        await().atMost(Duration.ofSeconds(30)).until(() -> "RouteNotAccepted".equals(condition("RoutesReady").getReason()));
        assertThat(condition("RoutesReady").getMessage()).isEqualTo("HTTPRoute web: gateways/edge did not accept it: NotAllowedByListeners: "
                + "No listener of gateways/edge allows routes from namespace routes");
        assertThat(condition("Ready").getStatus()).isEqualTo("False");
        assertThat(current().getStatus().getRoutes()).singleElement().satisfies(r -> assertThat(r.getState()).isEqualTo(RouteStatus.State.NotAccepted));

        gatewaySays("True", "Accepted", "");
        await().atMost(Duration.ofSeconds(30)).until(() -> "True".equals(condition("RoutesReady").getStatus()));
        assertThat(condition("RoutesReady").getMessage()).isEqualTo("1 route accepted by gateways/edge");
        assertThat(condition("Ready").getStatus()).isEqualTo("True");
        assertThat(current().getStatus().getRoutesReady()).isEqualTo("1/1");
        String out = kubectl("get", "ntopo,httproute", "-n", NS, "-o", "wide");
        System.out.print("[kubectl get ntopo,httproute -n routes -o wide]\n" + out);
        assertThat(out).containsPattern("networktopology.networktopology.io/shop\\s+1/1\\s+0/0\\s+True\\s+TopologyReady\\s+\\S+\\s+NoDnsEntries\\s+1/1");
        assertThat(out).containsPattern("httproute.gateway.networking.k8s.io/web\\s+\\[\"shop.example.com\"\\]");
    }

    static String kubectl(String... args) {
        try {
            List<String> command = new java.util.ArrayList<>(List.of(plane.bin("kubectl").toString(), "--kubeconfig", plane.kubeconfig().toString()));
            command.addAll(List.of(args));
            Process kubectl = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(kubectl.waitFor()).as(out).isZero();
            return out;
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(4)
    void aFreshOperatorWritesNothingTheRouteHoldsWhatTheApiServerKeeps() {
        operator.stop();
        startOperator();
        // One topology: its reconcile is counted when it has ended, with every write it made.
        await().atMost(Duration.ofSeconds(60)).until(() -> reconciler.reconciles() >= 1);
        assertThat(reconciler.childWrites()).as("route, Service writes after a resync with nothing changed").isZero();
        assertThat(reconciler.statusWrites()).as("status writes after a resync with nothing changed").isZero();
    }

    @Test
    @Order(5)
    void aRouteRemovedFromTheSpecIsDeleted() {
        ControlPlane.editTopology(client, NS, "shop", t -> {
            t.getSpec().setHttpRoutes(null);
            return t;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> route() == null);
        await().atMost(Duration.ofSeconds(30)).until(() -> condition("RoutesReady") == null);
        assertThat(current().getStatus().getRoutes()).isNull();
    }
}
