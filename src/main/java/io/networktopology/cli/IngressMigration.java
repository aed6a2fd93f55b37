package io.networktopology.cli;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.networktopology.api.v1alpha1.HTTPRouteSpec;
import io.networktopology.api.v1alpha1.IngressBackendSpec;
import io.networktopology.api.v1alpha1.IngressPathSpec;
import io.networktopology.api.v1alpha1.IngressRuleSpec;
import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.IngressTLSSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.NetworkTopologySpec;
import io.networktopology.api.v1alpha1.RouteBackendRef;
import io.networktopology.api.v1alpha1.RouteParentRef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;

/**
 * A topology's {@code spec.ingresses} as Gateway API routes ({@code spec.httpRoutes}) on a Gateway the user names: the
 * same topology with its Ingresses replaced, and in words what has no equivalent in a route (the class, TLS, the
 * controller's annotations) or means something else there (ImplementationSpecific paths, wildcards). Pure.
 */
final class IngressMigration {

    /** The migrated topology, and what the user must know or do besides. */
    record Result(NetworkTopology topology, List<String> notes) {
    }

    private IngressMigration() {
    }

    /** @param gateway namespace/name (or name, in the topology's namespace) of the Gateway the routes attach to */
    static Result of(NetworkTopology topology, String gateway) {
        String[] parts = gateway.split("/", 2);
        RouteParentRef parent = parts.length == 2 ? new RouteParentRef(parts[1], parts[0], null, null) : new RouteParentRef(parts[0], null, null, null);
        NetworkTopologySpec source = topology.getSpec();
        List<String> notes = new ArrayList<>();
        List<HTTPRouteSpec> routes = new ArrayList<>(source.getHttpRoutes() == null ? List.of() : source.getHttpRoutes());
        List<String> taken = new ArrayList<>(routes.stream().map(HTTPRouteSpec::getName).toList());
        for (IngressSpec ingress : source.getIngresses() == null ? List.<IngressSpec>of() : source.getIngresses()) {
            String what = "ingress " + ingress.getName();
            if (ingress.getClassName() != null) {
                notes.add(what + ": className " + ingress.getClassName() + " has no equivalent on a route: the Gateway's class chooses the"
                        + " controller");
            }
            if (ingress.getAnnotations() != null && !ingress.getAnnotations().isEmpty()) {
                notes.add(what + ": annotations " + String.join(", ", ingress.getAnnotations().keySet()) + " are the ingress controller's,"
                        + " kept on the route but likely without effect: look for the route filter or policy that does the same");
            }
            for (IngressTLSSpec tls : ingress.getTls() == null ? List.<IngressTLSSpec>of() : ingress.getTls()) {
                notes.add(what + ": TLS for " + (tls.getHosts() == null ? "every host" : String.join(", ", tls.getHosts()))
                        + " (Secret " + tls.getSecretName() + ") belongs to the Gateway: an HTTPS listener with certificateRefs "
                        + tls.getSecretName() + " (and a ReferenceGrant if the Secret stays in namespace "
                        + Objects.requireNonNullElse(topology.getMetadata().getNamespace(), "of the topology") + "); the route attaches to it like to any"
                        + " listener");
            }
            // One route per host (an Ingress rule), named after the ingress; the default backend is a route without hostnames.
            int index = 0;
            List<IngressRuleSpec> rules = ingress.getRules() == null ? List.of() : ingress.getRules();
            for (IngressRuleSpec rule : rules) {
                HTTPRouteSpec route = route(ingress, rules.size() == 1 ? ingress.getName() : ingress.getName() + "-" + (++index), parent, taken);
                if (rule.getHost() != null) {
                    route.setHostnames(new ArrayList<>(List.of(rule.getHost())));
                    if (rule.getHost().startsWith("*.")) {
                        notes.add(what + ": host " + rule.getHost() + " matches one label in an Ingress, one or more in a route"
                                + " (a." + rule.getHost().substring(2) + " and a.b." + rule.getHost().substring(2) + ")");
                    }
                }
                List<HTTPRouteSpec.Rule> routeRules = new ArrayList<>();
                for (IngressPathSpec path : rule.getPaths() == null ? List.<IngressPathSpec>of() : rule.getPaths()) {
                    HTTPRouteSpec.Match match = new HTTPRouteSpec.Match();
                    HTTPRouteSpec.PathMatchType type = switch (path.effectivePathType()) {
                        case Exact -> HTTPRouteSpec.PathMatchType.Exact;
                        case Prefix -> HTTPRouteSpec.PathMatchType.PathPrefix;
                        case ImplementationSpecific -> {
                            notes.add(what + ": path " + path.effectivePath() + " is ImplementationSpecific (the controller decides how it"
                                    + " matches); the route matches it as PathPrefix");
                            yield HTTPRouteSpec.PathMatchType.PathPrefix;
                        }
                    };
                    match.setPath(new HTTPRouteSpec.PathMatch(type, path.effectivePath()));
                    routeRules.add(rule(match, path.backend()));
                }
                route.setRules(routeRules);
                if (routeRules.size() > HTTPRouteSpec.MAX_RULES) {
                    notes.add(what + ": host " + (rule.getHost() == null ? "(any)" : rule.getHost()) + " has " + routeRules.size()
                            + " paths, more than the " + HTTPRouteSpec.MAX_RULES + " rules of a route: split route " + route.getName() + " in two");
                }
                if (!routeRules.isEmpty()) {
                    routes.add(route);
                }
            }
            if (ingress.getDefaultBackend() != null) {
                HTTPRouteSpec route = route(ingress, ingress.getName() + "-default", parent, taken);
                route.setRules(new ArrayList<>(List.of(rule(null, ingress.getDefaultBackend()))));
                routes.add(route);
                notes.add(what + ": the default backend becomes route " + route.getName() + " without hostnames: it answers every host"
                        + " of the listeners it attaches to that no other route claims");
            }
        }
        if (routes.size() > HTTPRouteSpec.MAX_ROUTES) {
            notes.add(routes.size() + " HTTP routes, more than the " + HTTPRouteSpec.MAX_ROUTES + " a topology may declare: split the topology");
        }
        NetworkTopology migrated = new NetworkTopology();
        migrated.setMetadata(new ObjectMetaBuilder().withName(topology.getMetadata().getName()).withNamespace(topology.getMetadata().getNamespace())
                .withLabels(topology.getMetadata().getLabels()).withAnnotations(topology.getMetadata().getAnnotations()).build());
        NetworkTopologySpec spec = io.fabric8.kubernetes.client.utils.Serialization.clone(source);
        spec.setIngresses(null);
        spec.setHttpRoutes(routes.isEmpty() ? null : routes);
        migrated.setSpec(spec);
        if (source.getIngresses() == null || source.getIngresses().isEmpty()) {
            notes.add("no spec.ingresses: nothing to migrate");
        }
        return new Result(migrated, notes);
    }

    private static HTTPRouteSpec route(IngressSpec ingress, String name, RouteParentRef parent, List<String> taken) {
        HTTPRouteSpec route = new HTTPRouteSpec();
        String unique = name;
        for (int n = 2; taken.contains(unique); n++) {
            unique = name + "-" + n;
        }
        taken.add(unique);
        route.setName(unique);
        route.setParentRefs(new ArrayList<>(List.of(parent)));
        route.setLabels(ingress.getLabels() == null ? null : new LinkedHashMap<>(ingress.getLabels()));
        route.setAnnotations(ingress.getAnnotations() == null ? null : new LinkedHashMap<>(ingress.getAnnotations()));
        return route;
    }

    private static HTTPRouteSpec.Rule rule(HTTPRouteSpec.Match match, IngressBackendSpec backend) {
        HTTPRouteSpec.Rule rule = new HTTPRouteSpec.Rule();
        if (match != null) {
            rule.setMatches(new ArrayList<>(List.of(match)));
        }
        rule.setBackendRefs(new ArrayList<>(List.of(new RouteBackendRef(backend.getService(), backend.getPort(), null))));
        return rule;
    }
}
