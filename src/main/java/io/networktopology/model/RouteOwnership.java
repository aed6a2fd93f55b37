package io.networktopology.model;

import io.networktopology.api.v1alpha1.GRPCRouteSpec;
import io.networktopology.api.v1alpha1.HTTPRouteSpec;
import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.RouteParentRef;
import io.networktopology.api.v1alpha1.RouteSpec;
import io.networktopology.model.GatewayRouteModel.Kind;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Two topologies in one namespace may not route the same host and path: the older topology keeps the route, and the
 * newer one's ingress that claims it is not written. The same for Gateway API routes on one Gateway, across namespaces
 * (a Gateway is shared by them): the same hostname and match (HTTP: path, method, headers; gRPC: service and method), the
 * same SNI name (TLS), the same listener (TCP, UDP).
 */
public final class RouteOwnership {

    private RouteOwnership() {
    }

    /** Conflict messages by ingress name of {@code self}, for routes an older topology in the namespace already claims. */
    public static Map<String, String> conflicts(NetworkTopology self, Collection<NetworkTopology> namespaceTopologies) {
        Map<String, String> conflicts = new LinkedHashMap<>();
        if (self.getSpec() == null || self.getSpec().getIngresses() == null || self.getSpec().getIngresses().isEmpty()) {
            return conflicts;
        }
        List<NetworkTopology> older = namespaceTopologies.stream()
                .filter(t -> !Objects.equals(t.getMetadata().getName(), self.getMetadata().getName()))
                .filter(t -> Objects.equals(t.getMetadata().getNamespace(), self.getMetadata().getNamespace()))
                .filter(t -> t.getMetadata().getDeletionTimestamp() == null)
                .filter(t -> AGE.compare(t, self) < 0)
                .sorted(AGE)
                .toList();
        for (IngressSpec ingress : self.getSpec().getIngresses()) {
            if (ingress == null) {
                continue;
            }
            for (Routes.Route route : Routes.of(ingress)) {
                for (NetworkTopology other : older) {
                    Routes.Route claimed = Routes.of(other).get(route.key());
                    if (claimed != null) {
                        conflicts.putIfAbsent(ingress.getName(), "route " + route + " is already routed by topology "
                                + other.getMetadata().getName() + " (ingress " + claimed.ingress() + "); this ingress was not written");
                    }
                }
            }
        }
        return conflicts;
    }

    /**
     * Conflict messages by route ({@code Kind/name}) of {@code self}, for what an older topology's route already claims
     * on the same Gateway. Decided for all topologies in age order, so that a route that lost to an older one claims
     * nothing (it is not written) and every replica and every topology comes to the same answer.
     */
    public static Map<String, String> routeConflicts(NetworkTopology self, Collection<NetworkTopology> topologies) {
        if (!GatewayRouteModel.declaresRoutes(self.getSpec())) {
            return new LinkedHashMap<>();
        }
        List<NetworkTopology> all = new java.util.ArrayList<>(topologies.stream()
                .filter(t -> t.getMetadata().getDeletionTimestamp() == null)
                .filter(t -> GatewayRouteModel.declaresRoutes(t.getSpec()))
                .filter(t -> !same(t, self))
                .toList());
        all.add(self);
        all.sort(AGE);
        Map<String, List<Owner>> claimed = new java.util.HashMap<>();
        for (NetworkTopology topology : all) {
            Map<String, List<Claim>> claims = claims(topology);
            Map<String, String> lost = new LinkedHashMap<>();
            claims.forEach((key, mine) -> {
                for (Claim claim : mine) {
                    for (Owner owner : claimed.getOrDefault(key, List.of())) {
                        if (owner.section().equals("*") || claim.section().equals("*") || owner.section().equals(claim.section())) {
                            lost.putIfAbsent(claim.route(), claim.what() + " is already routed by topology " + owner.topology()
                                    + " (" + owner.route().replace('/', ' ') + "); this route was not written");
                        }
                    }
                }
            });
            if (same(topology, self)) {
                return lost;
            }
            String name = topology.getMetadata().getNamespace() + "/" + topology.getMetadata().getName();
            claims.forEach((key, mine) -> mine.stream().filter(c -> !lost.containsKey(c.route()))
                    .forEach(c -> claimed.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(new Owner(name, c.route(), c.section()))));
        }
        return new LinkedHashMap<>();
    }

    private static boolean same(NetworkTopology a, NetworkTopology b) {
        return Objects.equals(a.getMetadata().getName(), b.getMetadata().getName())
                && Objects.equals(a.getMetadata().getNamespace(), b.getMetadata().getNamespace());
    }

    /**
     * What a route claims on a Gateway, in words, and on which listener ({@code sectionName:port}, {@code *} for all of
     * them: claims on different listeners do not meet).
     */
    private record Claim(String route, String what, String section) {
    }

    private record Owner(String topology, String route, String section) {
    }

    /** Every claim of a topology's routes, by key (Gateway, kind of match, what is matched). */
    private static Map<String, List<Claim>> claims(NetworkTopology topology) {
        Map<String, List<Claim>> claims = new LinkedHashMap<>();
        String namespace = ServiceModel.namespaceOf(topology);
        for (Kind kind : Kind.values()) {
            for (RouteSpec route : kind.routes(topology.getSpec())) {
                String id = kind.key(route.getName());
                for (RouteParentRef ref : route.getParentRefs() == null ? List.<RouteParentRef>of() : route.getParentRefs()) {
                    String gateway = (ref.getNamespace() == null ? namespace : ref.getNamespace()) + "/" + ref.getName();
                    String section = ref.getSectionName() == null && ref.getPort() == null ? "*"
                            : (ref.getSectionName() == null ? "" : ref.getSectionName()) + ":" + (ref.getPort() == null ? "" : ref.getPort());
                    for (String match : matches(kind, route)) {
                        claims.computeIfAbsent(gateway + "|" + match, k -> new java.util.ArrayList<>())
                                .add(new Claim(id, match.replace('|', ' ') + " on Gateway " + gateway, section));
                    }
                }
            }
        }
        return claims;
    }

    private static List<String> matches(Kind kind, RouteSpec route) {
        List<String> hosts = route.getHostnames() == null || route.getHostnames().isEmpty() ? List.of("*")
                : route.getHostnames().stream().map(h -> h.toLowerCase(java.util.Locale.ROOT)).toList();
        List<String> matches = new java.util.ArrayList<>();
        switch (kind) {
            case HTTPRoute -> {
                for (HTTPRouteSpec.Rule rule : ((HTTPRouteSpec) route).getRules() == null ? List.<HTTPRouteSpec.Rule>of() : ((HTTPRouteSpec) route).getRules()) {
                    for (HTTPRouteSpec.Match match : rule.getMatches() == null || rule.getMatches().isEmpty() ? List.of(new HTTPRouteSpec.Match())
                            : rule.getMatches()) {
                        String path = match.getPath() == null ? "PathPrefix " + "/" : match.getPath().effectiveType() + " " + match.getPath().effectiveValue();
                        String method = match.getMethod() == null ? "" : " " + match.getMethod();
                        String headers = match.getHeaders() == null ? "" : match.getHeaders().stream()
                                .map(h -> " " + h.getName().toLowerCase(java.util.Locale.ROOT) + "=" + h.getValue()).sorted()
                                .collect(java.util.stream.Collectors.joining());
                        hosts.forEach(host -> matches.add("http|" + host + "|" + path + method + headers));
                    }
                }
            }
            case GRPCRoute -> {
                for (GRPCRouteSpec.Rule rule : ((GRPCRouteSpec) route).getRules() == null ? List.<GRPCRouteSpec.Rule>of() : ((GRPCRouteSpec) route).getRules()) {
                    for (GRPCRouteSpec.Match match : rule.getMatches() == null || rule.getMatches().isEmpty() ? List.of(new GRPCRouteSpec.Match())
                            : rule.getMatches()) {
                        String method = match.getMethod() == null ? "*/*" : (match.getMethod().getService() == null ? "*" : match.getMethod().getService())
                                + "/" + (match.getMethod().getMethod() == null ? "*" : match.getMethod().getMethod());
                        hosts.forEach(host -> matches.add("grpc|" + host + "|" + method));
                    }
                }
            }
            case TLSRoute -> hosts.forEach(host -> matches.add("tls|" + host));
            // Every connection of the listener (which one: the claim's section).
            case TCPRoute, UDPRoute -> matches.add(kind.name().substring(0, 3).toLowerCase(java.util.Locale.ROOT) + "|every connection");
        }
        return matches;
    }

    /** Older first: by creation time, then by name, so that every operator replica agrees. */
    static final Comparator<NetworkTopology> AGE = Comparator
            .comparing((NetworkTopology t) -> created(t))
            .thenComparing(t -> t.getMetadata().getName())
            .thenComparing(t -> String.valueOf(t.getMetadata().getNamespace()));

    private static Instant created(NetworkTopology t) {
        String created = t.getMetadata().getCreationTimestamp();
        return created == null ? Instant.MAX : Instant.parse(created);
    }
}
