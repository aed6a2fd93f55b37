package io.networktopology.model;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.networktopology.api.v1alpha1.GRPCRouteSpec;
import io.networktopology.api.v1alpha1.HTTPRouteSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.NetworkTopologySpec;
import io.networktopology.api.v1alpha1.RouteBackendRef;
import io.networktopology.api.v1alpha1.RouteParentRef;
import io.networktopology.api.v1alpha1.RouteSpec;
import io.networktopology.api.v1alpha1.ServicePortSpec;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.StreamRouteSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns the declared Gateway API routes of a topology into route objects ({@code gateway.networking.k8s.io}). Pure, like
 * {@link IngressModel}. The objects are generic: which version of each kind the cluster serves is found at run time
 * (TLS, TCP and UDP routes moved from v1alpha2 to the standard channel's v1 in newer releases), and the fields written
 * are the same in every version. A backend's named port is written as its number: a Gateway API backendRef takes a
 * number only.
 */
public final class GatewayRouteModel {

    public static final String GROUP = "gateway.networking.k8s.io";

    /** The route kinds a topology can declare, each with where its entries are in the spec. */
    public enum Kind {
        HTTPRoute("httpRoutes", "httproutes"),
        GRPCRoute("grpcRoutes", "grpcroutes"),
        TLSRoute("tlsRoutes", "tlsroutes"),
        TCPRoute("tcpRoutes", "tcproutes"),
        UDPRoute("udpRoutes", "udproutes");

        /** The field of {@code spec} that declares routes of this kind. */
        public final String field;
        /** The resource's plural, as the API server serves it. */
        public final String plural;

        Kind(String field, String plural) {
            this.field = field;
            this.plural = plural;
        }

        /** A route's key among the topology's routes of every kind: {@code Kind/name}. */
        public String key(String name) {
            return name() + "/" + name;
        }

        /** How many routes of this kind the topology declares. */
        public int declared(NetworkTopologySpec spec) {
            return routes(spec).size();
        }

        /** The declared routes of this kind, never null. */
        public List<? extends RouteSpec> routes(NetworkTopologySpec spec) {
            List<? extends RouteSpec> routes = spec == null ? null : declaredIn(spec);
            return routes == null ? List.of() : routes;
        }

        private List<? extends RouteSpec> declaredIn(NetworkTopologySpec spec) {
            return switch (this) {
                case HTTPRoute -> spec.getHttpRoutes();
                case GRPCRoute -> spec.getGrpcRoutes();
                case TLSRoute -> spec.getTlsRoutes();
                case TCPRoute -> spec.getTcpRoutes();
                case UDPRoute -> spec.getUdpRoutes();
            };
        }
    }

    private GatewayRouteModel() {
    }

    /** Whether the spec declares a route of any kind. */
    public static boolean declaresRoutes(NetworkTopologySpec spec) {
        return spec != null && java.util.Arrays.stream(Kind.values()).anyMatch(k -> k.declared(spec) > 0);
    }

    /** The Gateways a route names, as status shows them (namespace/name[/listener][:port]), in the topology's namespace when it names none. */
    public static List<String> gateways(List<RouteParentRef> parents, String namespace) {
        return parents == null ? List.of() : parents.stream().filter(java.util.Objects::nonNull)
                .map(p -> gateway(p.getNamespace() == null ? namespace : p.getNamespace(), p.getName(), p.getSectionName(), p.getPort()))
                .toList();
    }

    public static String gateway(String namespace, String name, String sectionName, Integer port) {
        return namespace + "/" + name + (sectionName == null ? "" : "/" + sectionName) + (port == null ? "" : ":" + port);
    }

    /** Whether a route of the topology names the Gateway {@code namespace}/{@code name} as a parent. */
    public static boolean namesGateway(NetworkTopology topology, String namespace, String name) {
        String own = ServiceModel.namespaceOf(topology);
        for (Kind kind : Kind.values()) {
            for (RouteSpec route : kind.routes(topology.getSpec())) {
                for (RouteParentRef ref : route.getParentRefs() == null ? List.<RouteParentRef>of() : route.getParentRefs()) {
                    if (name.equals(ref.getName()) && namespace.equals(ref.getNamespace() == null ? own : ref.getNamespace())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The routes of one kind, as objects of {@code apiVersion} (e.g. {@code gateway.networking.k8s.io/v1}). */
    public static List<GenericKubernetesResource> desiredRoutes(NetworkTopology topology, Kind kind, String apiVersion) {
        NetworkTopologySpec spec = topology.getSpec();
        List<GenericKubernetesResource> routes = new ArrayList<>();
        String namespace = ServiceModel.namespaceOf(topology);
        String topologyName = topology.getMetadata().getName();
        Function<RouteBackendRef, Map<String, Object>> backend = b -> backendRef(b, spec);
        for (RouteSpec declared : kind.routes(spec)) {
            Map<String, Object> body = new LinkedHashMap<>();
            common(body, declared.getParentRefs(), kind == Kind.TCPRoute || kind == Kind.UDPRoute ? null : declared.getHostnames(), namespace);
            if (declared instanceof HTTPRouteSpec http) {
                body.put("rules", http.getRules().stream().map(r -> httpRule(r, backend)).toList());
            } else if (declared instanceof GRPCRouteSpec grpc) {
                body.put("rules", grpc.getRules().stream().map(r -> grpcRule(r, backend)).toList());
            } else {
                body.put("rules", ((StreamRouteSpec) declared).getRules().stream().map(r -> Map.<String, Object>of("backendRefs",
                        r.getBackendRefs().stream().map(backend).toList())).toList());
            }
            GenericKubernetesResource route = new GenericKubernetesResource();
            route.setApiVersion(apiVersion);
            route.setKind(kind.name());
            route.setMetadata(ChildLabels.metadata(declared.getName(), namespace, topologyName, declared.getLabels(), declared.getAnnotations()));
            route.setAdditionalProperty("spec", body);
            routes.add(route);
        }
        return routes;
    }

    private static void common(Map<String, Object> body, List<RouteParentRef> parents, List<String> hostnames, String namespace) {
        List<Map<String, Object>> refs = new ArrayList<>();
        for (RouteParentRef parent : parents) {
            Map<String, Object> ref = new LinkedHashMap<>();
            ref.put("group", GROUP);
            ref.put("kind", "Gateway");
            ref.put("name", parent.getName());
            ref.put("namespace", parent.getNamespace() == null ? namespace : parent.getNamespace());
            if (parent.getSectionName() != null) {
                ref.put("sectionName", parent.getSectionName());
            }
            if (parent.getPort() != null) {
                ref.put("port", parent.getPort());
            }
            refs.add(ref);
        }
        body.put("parentRefs", refs);
        if (hostnames != null && !hostnames.isEmpty()) {
            body.put("hostnames", List.copyOf(hostnames));
        }
    }

    private static Map<String, Object> httpRule(HTTPRouteSpec.Rule rule, Function<RouteBackendRef, Map<String, Object>> backend) {
        Map<String, Object> out = new LinkedHashMap<>();
        {
            // A rule without matches matches every request: written as the API server would default it (the list is
            // atomic, so the applied rules must be exactly what the server keeps, or every apply would differ).
            List<HTTPRouteSpec.Match> declared = rule.getMatches() == null || rule.getMatches().isEmpty()
                    ? List.of(new HTTPRouteSpec.Match()) : rule.getMatches();
            List<Map<String, Object>> matches = new ArrayList<>();
            for (HTTPRouteSpec.Match match : declared) {
                Map<String, Object> m = new LinkedHashMap<>();
                HTTPRouteSpec.PathMatch path = match.getPath() == null ? new HTTPRouteSpec.PathMatch() : match.getPath();
                // Written whole, with its defaults: the API server would default it so, and an applied object that
                // holds exactly what the server keeps needs no second write.
                m.put("path", Map.of("type", path.effectiveType().name(), "value", path.effectiveValue()));
                if (match.getHeaders() != null && !match.getHeaders().isEmpty()) {
                    m.put("headers", match.getHeaders().stream().map(h -> Map.of("type", "Exact", "name", h.getName(), "value", h.getValue())).toList());
                }
                if (match.getMethod() != null) {
                    m.put("method", match.getMethod().name());
                }
                matches.add(m);
            }
            out.put("matches", matches);
        }
        if (rule.getFilters() != null && !rule.getFilters().isEmpty()) {
            List<Map<String, Object>> filters = new ArrayList<>();
            for (HTTPRouteSpec.Filter filter : rule.getFilters()) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("type", filter.getType().name());
                switch (filter.getType()) {
                    case RequestHeaderModifier -> f.put("requestHeaderModifier", headerModifier(filter.getRequestHeaderModifier()));
                    case ResponseHeaderModifier -> f.put("responseHeaderModifier", headerModifier(filter.getResponseHeaderModifier()));
                    case RequestRedirect -> {
                        HTTPRouteSpec.Redirect r = filter.getRequestRedirect();
                        Map<String, Object> redirect = new LinkedHashMap<>();
                        if (r.getScheme() != null) {
                            redirect.put("scheme", r.getScheme());
                        }
                        if (r.getHostname() != null) {
                            redirect.put("hostname", r.getHostname());
                        }
                        if (r.getPort() != null) {
                            redirect.put("port", r.getPort());
                        }
                        redirect.put("statusCode", r.getStatusCode() == null ? 302 : r.getStatusCode());
                        f.put("requestRedirect", redirect);
                    }
                }
                filters.add(f);
            }
            out.put("filters", filters);
        }
        if (rule.getBackendRefs() != null && !rule.getBackendRefs().isEmpty()) {
            out.put("backendRefs", rule.getBackendRefs().stream().map(backend).toList());
        }
        return out;
    }

    private static Map<String, Object> headerModifier(HTTPRouteSpec.HeaderModifier modifier) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (modifier.getSet() != null && !modifier.getSet().isEmpty()) {
            out.put("set", modifier.getSet().stream().map(h -> Map.of("name", h.getName(), "value", h.getValue())).toList());
        }
        if (modifier.getAdd() != null && !modifier.getAdd().isEmpty()) {
            out.put("add", modifier.getAdd().stream().map(h -> Map.of("name", h.getName(), "value", h.getValue())).toList());
        }
        if (modifier.getRemove() != null && !modifier.getRemove().isEmpty()) {
            out.put("remove", List.copyOf(modifier.getRemove()));
        }
        return out;
    }

    private static Map<String, Object> grpcRule(GRPCRouteSpec.Rule rule, Function<RouteBackendRef, Map<String, Object>> backend) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (rule.getMatches() != null && !rule.getMatches().isEmpty()) {
            out.put("matches", rule.getMatches().stream().map(m -> {
                Map<String, Object> method = new LinkedHashMap<>();
                method.put("type", "Exact");
                if (m.getMethod().getService() != null) {
                    method.put("service", m.getMethod().getService());
                }
                if (m.getMethod().getMethod() != null) {
                    method.put("method", m.getMethod().getMethod());
                }
                return Map.<String, Object>of("method", method);
            }).toList());
        }
        out.put("backendRefs", rule.getBackendRefs().stream().map(backend).toList());
        return out;
    }

    private static Map<String, Object> backendRef(RouteBackendRef ref, NetworkTopologySpec spec) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("group", "");
        out.put("kind", "Service");
        out.put("name", ref.getName());
        Integer port = portNumber(ref.getName(), ref.getPort(), spec);
        if (port != null) {
            out.put("port", port);
        }
        out.put("weight", ref.effectiveWeight());
        return out;
    }

    /** The number of a backend's port: given, or the number of the service's port of that name; null when there is none. */
    public static Integer portNumber(String service, IntOrString port, NetworkTopologySpec spec) {
        if (port == null) {
            return null;
        }
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        for (ServiceSpec s : spec.getServices() == null ? List.<ServiceSpec>of() : spec.getServices()) {
            if (s != null && service.equals(s.getName()) && s.getPorts() != null) {
                for (ServicePortSpec p : s.getPorts()) {
                    if (p != null && port.getStrVal().equals(p.getName())) {
                        return p.getPort();
                    }
                }
            }
        }
        return null;
    }
}
