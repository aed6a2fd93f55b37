package io.networktopology.status;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.networktopology.api.v1alpha1.RouteStatus;
import io.networktopology.model.GatewayRouteModel.Kind;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RouteReportTest {

    static GenericKubernetesResource route(long generation, Map<String, Object> status) {
        GenericKubernetesResource route = new GenericKubernetesResource();
        route.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("shop").withGeneration(generation).build());
        if (status != null) {
            route.setAdditionalProperty("status", status);
        }
        return route;
    }

    static Map<String, Object> parent(String namespace, String name, long generation, Map<String, Object>... conditions) {
        return Map.of("parentRef", Map.of("group", "gateway.networking.k8s.io", "kind", "Gateway", "name", name, "namespace", namespace),
                "controllerName", "traefik.io/gateway-controller", "conditions", List.of(conditions));
    }

    static Map<String, Object> condition(String type, String status, String reason, String message, long generation) {
        return Map.of("type", type, "status", status, "reason", reason, "message", message, "observedGeneration", generation);
    }

    static RouteStatus status(GenericKubernetesResource actual) {
        return RouteReport.status(new RouteObservation(Kind.HTTPRoute, "web", List.of("gateways/edge"), actual, null, null, null));
    }

    @Test
    @SuppressWarnings("unchecked")
    void readyWhenTheGatewayAcceptedTheRouteAndResolvedItsBackends() {
        RouteStatus status = status(route(2, Map.of("parents", List.of(parent("gateways", "edge", 2,
                condition("Accepted", "True", "Accepted", "", 2), condition("ResolvedRefs", "True", "ResolvedRefs", "", 2))))));
        assertThat(status.getState()).isEqualTo(RouteStatus.State.Ready);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theGatewaysOwnRefusalIsTheMessage() {
        RouteStatus status = status(route(1, Map.of("parents", List.of(parent("gateways", "edge", 1,
                condition("Accepted", "False", "NotAllowedByListeners", "No listener allows routes from namespace shop", 1))))));
        assertThat(status.getState()).isEqualTo(RouteStatus.State.NotAccepted);
        assertThat(status.getMessage()).isEqualTo("gateways/edge did not accept it: NotAllowedByListeners: No listener allows routes from namespace shop");

        RouteStatus unresolved = status(route(1, Map.of("parents", List.of(parent("gateways", "edge", 1,
                condition("Accepted", "True", "Accepted", "", 1), condition("ResolvedRefs", "False", "BackendNotFound", "Service shop/web not found", 1))))));
        assertThat(unresolved.getState()).isEqualTo(RouteStatus.State.NotAccepted);
        assertThat(unresolved.getMessage()).contains("cannot resolve its backends: BackendNotFound: Service shop/web not found");
    }

    @Test
    @SuppressWarnings("unchecked")
    void pendingWhileNoControllerAnsweredOrItAnsweredAnOlderGeneration() {
        assertThat(status(route(1, null)).getState()).isEqualTo(RouteStatus.State.Pending);
        RouteStatus stale = status(route(3, Map.of("parents", List.of(parent("gateways", "edge", 2,
                condition("Accepted", "True", "Accepted", "", 2))))));
        assertThat(stale.getState()).isEqualTo(RouteStatus.State.Pending);
        assertThat(stale.getMessage()).isEqualTo("waiting for the controller of Gateway gateways/edge to accept it");
        RouteStatus otherGateway = status(route(1, Map.of("parents", List.of(parent("gateways", "other", 1,
                condition("Accepted", "True", "Accepted", "", 1))))));
        assertThat(otherGateway.getState()).as("an answer for another Gateway is not this one's").isEqualTo(RouteStatus.State.Pending);
    }

    @Test
    void theConditionNamesTheWorstTroubleFirst() {
        RouteStatus notInstalled = RouteReport.status(new RouteObservation(Kind.TCPRoute, "db", List.of("gateways/edge"), null, null, null,
                "this cluster does not serve tcproutes.gateway.networking.k8s.io"));
        RouteStatus pending = status(route(1, null));
        var condition = RouteReport.condition(List.of(pending, notInstalled), 1L, null, Instant.now());
        assertThat(condition.getStatus()).isEqualTo("False");
        assertThat(condition.getReason()).isEqualTo(Reasons.GATEWAY_API_NOT_INSTALLED);
        assertThat(condition.getMessage()).isEqualTo("TCPRoute db: this cluster does not serve tcproutes.gateway.networking.k8s.io");
    }
}
