package io.networktopology.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.networktopology.api.v1alpha1.RouteStatus;
import io.networktopology.api.v1alpha1.RouteStatus.State;
import io.networktopology.model.GatewayRouteModel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A route's part of status: what its Gateways said of it ({@code status.parents[].conditions}: Accepted and
 * ResolvedRefs, with the Gateway's own reason and message), and the {@code RoutesReady} condition of them all.
 */
public final class RouteReport {

    private RouteReport() {
    }

    public static RouteStatus status(RouteObservation observation) {
        RouteStatus status = new RouteStatus();
        status.setKind(observation.kind().name());
        status.setName(observation.name());
        status.setGateways(observation.gateways());
        if (observation.notInstalled() != null) {
            status.setState(State.NotInstalled);
            status.setMessage(observation.notInstalled());
        } else if (observation.conflict() != null) {
            status.setState(State.Conflict);
            status.setMessage(observation.conflict());
        } else if (observation.refused() != null) {
            status.setState(State.Rejected);
            status.setMessage(observation.refused());
        } else if (observation.actual() == null) {
            status.setState(State.Pending);
            status.setMessage("being written");
        } else {
            verdict(observation.actual(), observation.gateways(), status);
            if (status.getState() == State.Ready && observation.unsupported() != null) {
                // Accepted, but its Gateway's class does not claim all it uses: it may be ignored. Said, not held against it.
                status.setMessage(observation.unsupported());
            }
        }
        return status;
    }

    /** Ready when every Gateway the route names accepted it and resolved its backends, for the route's latest generation. */
    @SuppressWarnings("unchecked")
    static void verdict(GenericKubernetesResource route, List<String> gateways, RouteStatus status) {
        Object routeStatus = route.getAdditionalProperties().get("status");
        List<Map<String, Object>> parents = routeStatus instanceof Map<?, ?> m && m.get("parents") instanceof List<?> l
                ? (List<Map<String, Object>>) l : List.of();
        Long generation = route.getMetadata().getGeneration();
        List<String> waiting = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (String gateway : gateways) {
            Map<String, Object> parent = parents.stream().filter(p -> gateway.equals(name(p.get("parentRef"), route))).findFirst().orElse(null);
            List<Map<String, Object>> conditions = parent != null && parent.get("conditions") instanceof List<?> c
                    ? (List<Map<String, Object>>) c : List.of();
            Map<String, Object> accepted = find(conditions, "Accepted");
            Map<String, Object> resolved = find(conditions, "ResolvedRefs");
            if (accepted == null || stale(accepted, generation)) {
                waiting.add(gateway);
            } else if (!"True".equals(accepted.get("status"))) {
                refusals.add(gateway + " did not accept it: " + said(accepted));
            } else if (resolved != null && !stale(resolved, generation) && !"True".equals(resolved.get("status"))) {
                refusals.add(gateway + " cannot resolve its backends: " + said(resolved));
            }
        }
        if (!refusals.isEmpty()) {
            status.setState(State.NotAccepted);
            status.setMessage(String.join("; ", refusals));
        } else if (!waiting.isEmpty()) {
            status.setState(State.Pending);
            status.setMessage("waiting for the controller of Gateway " + String.join(", ", waiting) + " to accept it");
        } else {
            status.setState(State.Ready);
        }
    }

    private static String name(Object ref, GenericKubernetesResource route) {
        if (!(ref instanceof Map<?, ?> r)) {
            return null;
        }
        Object namespace = r.get("namespace") == null ? route.getMetadata().getNamespace() : r.get("namespace");
        Object port = r.get("port");
        return GatewayRouteModel.gateway(String.valueOf(namespace), String.valueOf(r.get("name")), r.get("sectionName") == null ? null
                : String.valueOf(r.get("sectionName")), port instanceof Number n ? n.intValue() : null);
    }

    /** A condition's reason and, when the controller wrote one, its message. */
    private static String said(Map<String, Object> condition) {
        Object message = condition.get("message");
        return condition.get("reason") + (message == null || String.valueOf(message).isBlank() ? "" : ": " + message);
    }

    private static Map<String, Object> find(List<Map<String, Object>> conditions, String type) {
        return conditions.stream().filter(c -> type.equals(c.get("type"))).findFirst().orElse(null);
    }

    /** Said of an older generation of the route: the controller has not looked at the latest yet. */
    private static boolean stale(Map<String, Object> condition, Long generation) {
        return generation != null && condition.get("observedGeneration") instanceof Number n && n.longValue() < generation;
    }

    /** RoutesReady: False with the first kind of trouble found (not installed, refused, conflict, not accepted, pending). */
    public static Condition condition(List<RouteStatus> routes, Long generation, List<Condition> old, Instant now) {
        for (State state : List.of(State.NotInstalled, State.Rejected, State.Conflict, State.NotAccepted, State.Pending)) {
            List<RouteStatus> matching = routes.stream().filter(r -> r.getState() == state).toList();
            if (!matching.isEmpty()) {
                String reason = switch (state) {
                    case NotInstalled -> Reasons.GATEWAY_API_NOT_INSTALLED;
                    case Rejected -> Reasons.ROUTE_REJECTED;
                    case Conflict -> Reasons.ROUTE_CONFLICT;
                    case NotAccepted -> Reasons.ROUTE_NOT_ACCEPTED;
                    default -> Reasons.AWAITING_GATEWAY;
                };
                return ConditionList.condition(Conditions.ROUTES_READY, false, reason, matching.stream()
                        .map(r -> r.getKind() + " " + r.getName() + ": " + r.getMessage()).collect(Collectors.joining("; ")), generation, old, now);
            }
        }
        String warnings = routes.stream().filter(r -> r.getMessage() != null).map(r -> r.getKind() + " " + r.getName() + ": " + r.getMessage())
                .collect(Collectors.joining("; "));
        return ConditionList.condition(Conditions.ROUTES_READY, true, Reasons.ALL_ROUTES_ACCEPTED, routes.size()
                + (routes.size() == 1 ? " route" : " routes") + " accepted by " + routes.stream().flatMap(r -> r.getGateways().stream())
                .filter(Objects::nonNull).distinct().collect(Collectors.joining(", ")) + (warnings.isEmpty() ? "" : "; " + warnings),
                generation, old, now);
    }
}
