package io.networktopology.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.networktopology.api.v1alpha1.GRPCRouteSpec;
import io.networktopology.api.v1alpha1.HTTPRouteSpec;
import io.networktopology.api.v1alpha1.NetworkTopologySpec;
import io.networktopology.api.v1alpha1.PortProtocol;
import io.networktopology.api.v1alpha1.RouteBackendRef;
import io.networktopology.api.v1alpha1.RouteParentRef;
import io.networktopology.api.v1alpha1.RouteSpec;
import io.networktopology.api.v1alpha1.ServicePortSpec;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.api.v1alpha1.StreamRouteSpec;
import io.networktopology.model.GatewayRouteModel.Kind;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The rules for the Gateway API routes ({@code spec.httpRoutes} … {@code spec.udpRoutes}); part of
 * {@link TopologyValidator}. The CRD's schema says most of it at admission; this says it again for {@code render} and for
 * what the schema cannot see: that a backend is a service of the topology, with that port, of the route's protocol.
 */
final class RouteValidator {

    private static final Pattern NAME = Pattern.compile(ServiceSpec.DNS_1123_SUBDOMAIN);
    private static final Pattern HOSTNAME = Pattern.compile(HTTPRouteSpec.HOSTNAME);

    private RouteValidator() {
    }

    static void validate(NetworkTopologySpec spec, List<SpecProblem> problems) {
        Map<String, ServiceSpec> services = new HashMap<>();
        if (spec.getServices() != null) {
            spec.getServices().stream().filter(Objects::nonNull).filter(s -> s.getName() != null)
                    .forEach(s -> services.putIfAbsent(s.getName(), s));
        }
        for (Kind kind : Kind.values()) {
            List<? extends RouteSpec> routes = kind.routes(spec);
            if (routes.size() > HTTPRouteSpec.MAX_ROUTES) {
                problems.add(new SpecProblem("spec." + kind.field, "at most " + HTTPRouteSpec.MAX_ROUTES + " " + kind.field + " per topology"));
            }
            Map<String, Integer> names = new HashMap<>();
            for (int i = 0; i < routes.size(); i++) {
                String path = "spec." + kind.field + "[" + i + "]";
                RouteSpec route = routes.get(i);
                if (route == null) {
                    problems.add(new SpecProblem(path, "must not be null"));
                    continue;
                }
                name(route.getName(), path, kind, names, i, problems);
                parents(route.getParentRefs(), path, problems);
                hostnames(route.getHostnames(), path, kind, problems);
                if (route.rules() == null || route.rules().isEmpty()) {
                    problems.add(new SpecProblem(path + ".rules", "at least one rule is required"));
                }
                if (route instanceof HTTPRouteSpec http && http.getRules() != null) {
                    httpRules(http, path, services, problems);
                } else if (route instanceof GRPCRouteSpec grpc && grpc.getRules() != null) {
                    for (int r = 0; r < grpc.getRules().size(); r++) {
                        GRPCRouteSpec.Rule rule = grpc.getRules().get(r);
                        String rp = path + ".rules[" + r + "]";
                        if (rule.getMatches() != null) {
                            for (int m = 0; m < rule.getMatches().size(); m++) {
                                GRPCRouteSpec.Match match = rule.getMatches().get(m);
                                if (match.getMethod() == null || match.getMethod().getService() == null && match.getMethod().getMethod() == null) {
                                    problems.add(new SpecProblem(rp + ".matches[" + m + "].method", "one or both of service and method must be given"));
                                }
                            }
                        }
                        backends(rule.getBackendRefs(), rp, true, PortProtocol.TCP, services, problems);
                    }
                } else if (route instanceof StreamRouteSpec stream && stream.getRules() != null) {
                    PortProtocol protocol = kind == Kind.UDPRoute ? PortProtocol.UDP : PortProtocol.TCP;
                    for (int r = 0; r < stream.getRules().size(); r++) {
                        backends(stream.getRules().get(r).getBackendRefs(), path + ".rules[" + r + "]", true, protocol, services, problems);
                    }
                }
                TopologyValidator.validateMetadata(route.getLabels(), route.getAnnotations(), path, problems);
            }
        }
    }

    private static void name(String name, String path, Kind kind, Map<String, Integer> names, int i, List<SpecProblem> problems) {
        if (name == null || name.isEmpty()) {
            problems.add(new SpecProblem(path + ".name", "required"));
            return;
        }
        if (name.length() > 253 || !NAME.matcher(name).matches() || name.endsWith(".")) {
            problems.add(new SpecProblem(path + ".name", "\"" + name + "\" is not a valid " + kind.name() + " name (lowercase RFC 1123 subdomain)"));
        }
        Integer first = names.putIfAbsent(name, i);
        if (first != null) {
            problems.add(new SpecProblem(path + ".name", "duplicate " + kind.name() + " name \"" + name + "\" (also spec." + kind.field
                    + "[" + first + "]); route names must be unique within a topology"));
        }
    }

    private static void parents(List<RouteParentRef> parents, String path, List<SpecProblem> problems) {
        if (parents == null || parents.isEmpty()) {
            problems.add(new SpecProblem(path + ".parentRefs", "at least one Gateway is required"));
            return;
        }
        for (int p = 0; p < parents.size(); p++) {
            RouteParentRef parent = parents.get(p);
            if (parent == null || parent.getName() == null || parent.getName().isEmpty()) {
                problems.add(new SpecProblem(path + ".parentRefs[" + p + "].name", "required"));
            } else if (parent.getPort() != null && (parent.getPort() < 1 || parent.getPort() > 65535)) {
                problems.add(new SpecProblem(path + ".parentRefs[" + p + "].port", "must be between 1 and 65535"));
            }
        }
    }

    private static void hostnames(List<String> hostnames, String path, Kind kind, List<SpecProblem> problems) {
        boolean none = hostnames == null || hostnames.isEmpty();
        if (kind == Kind.TLSRoute && none) {
            problems.add(new SpecProblem(path + ".hostnames", "a tlsRoute needs hostnames (the SNI names it takes)"));
        }
        if ((kind == Kind.TCPRoute || kind == Kind.UDPRoute) && !none) {
            problems.add(new SpecProblem(path + ".hostnames", "a " + kind.field.replace("Routes", "Route") + " takes no hostnames"));
            return;
        }
        for (int h = 0; !none && h < hostnames.size(); h++) {
            String host = hostnames.get(h);
            if (host == null || host.length() > 253 || !HOSTNAME.matcher(host).matches() || host.matches("[0-9.]+")) {
                problems.add(new SpecProblem(path + ".hostnames[" + h + "]", "\"" + host + "\" is not a hostname (lowercase, a wildcard only as its first label: *.example.com; no IP address, port or trailing dot)"));
            }
        }
    }

    private static void httpRules(HTTPRouteSpec http, String path, Map<String, ServiceSpec> services, List<SpecProblem> problems) {
        for (int r = 0; r < http.getRules().size(); r++) {
            HTTPRouteSpec.Rule rule = http.getRules().get(r);
            String rp = path + ".rules[" + r + "]";
            if (rule == null) {
                problems.add(new SpecProblem(rp, "must not be null"));
                continue;
            }
            for (int m = 0; rule.getMatches() != null && m < rule.getMatches().size(); m++) {
                HTTPRouteSpec.PathMatch match = rule.getMatches().get(m) == null ? null : rule.getMatches().get(m).getPath();
                String value = match == null ? "/" : match.effectiveValue();
                if (!value.startsWith("/") || value.contains("//") || value.contains("/./") || value.contains("/../") || value.toLowerCase().contains("%2f")
                        || value.contains("#") || value.endsWith("/..") || value.endsWith("/.")) {
                    problems.add(new SpecProblem(rp + ".matches[" + m + "].path.value", "\"" + value + "\" must be an absolute path without '//', '/./', '/../', '%2f' or '#', not ending in '/.' or '/..'"));
                }
            }
            boolean redirect = false;
            Map<HTTPRouteSpec.FilterType, Integer> seen = new HashMap<>();
            for (int f = 0; rule.getFilters() != null && f < rule.getFilters().size(); f++) {
                HTTPRouteSpec.Filter filter = rule.getFilters().get(f);
                String fp = rp + ".filters[" + f + "]";
                if (filter == null || filter.getType() == null) {
                    problems.add(new SpecProblem(fp + ".type", "required"));
                    continue;
                }
                if (seen.merge(filter.getType(), 1, Integer::sum) > 1) {
                    problems.add(new SpecProblem(fp + ".type", filter.getType() + " appears more than once in the rule"));
                }
                redirect |= filter.getType() == HTTPRouteSpec.FilterType.RequestRedirect;
                Object settings = switch (filter.getType()) {
                    case RequestHeaderModifier -> filter.getRequestHeaderModifier();
                    case ResponseHeaderModifier -> filter.getResponseHeaderModifier();
                    case RequestRedirect -> filter.getRequestRedirect();
                };
                String field = Character.toLowerCase(filter.getType().name().charAt(0)) + filter.getType().name().substring(1);
                if (settings == null) {
                    problems.add(new SpecProblem(fp + "." + field, "required for a " + filter.getType() + " filter"));
                }
                int others = (filter.getRequestHeaderModifier() == null ? 0 : 1) + (filter.getResponseHeaderModifier() == null ? 0 : 1)
                        + (filter.getRequestRedirect() == null ? 0 : 1) - (settings == null ? 0 : 1);
                if (others > 0) {
                    problems.add(new SpecProblem(fp, "only " + field + " may be set for a " + filter.getType() + " filter"));
                }
                if (filter.getRequestRedirect() != null && filter.getRequestRedirect().getStatusCode() != null
                        && filter.getRequestRedirect().getStatusCode() != 301 && filter.getRequestRedirect().getStatusCode() != 302) {
                    problems.add(new SpecProblem(fp + ".requestRedirect.statusCode", "must be 301 or 302"));
                }
            }
            boolean hasBackends = rule.getBackendRefs() != null && !rule.getBackendRefs().isEmpty();
            if (redirect && hasBackends) {
                problems.add(new SpecProblem(rp + ".backendRefs", "a RequestRedirect filter must not be used together with backendRefs"));
            } else if (!redirect && !hasBackends) {
                problems.add(new SpecProblem(rp + ".backendRefs", "a rule needs backendRefs or a RequestRedirect filter"));
            }
            backends(rule.getBackendRefs(), rp, false, PortProtocol.TCP, services, problems);
        }
    }

    private static void backends(List<RouteBackendRef> refs, String path, boolean required, PortProtocol protocol,
            Map<String, ServiceSpec> services, List<SpecProblem> problems) {
        if (refs == null || refs.isEmpty()) {
            if (required) {
                problems.add(new SpecProblem(path + ".backendRefs", "at least one backend is required"));
            }
            return;
        }
        for (int b = 0; b < refs.size(); b++) {
            RouteBackendRef ref = refs.get(b);
            String bp = path + ".backendRefs[" + b + "]";
            if (ref == null || ref.getName() == null) {
                problems.add(new SpecProblem(bp + ".name", "required"));
                continue;
            }
            if (ref.getWeight() != null && (ref.getWeight() < 0 || ref.getWeight() > 1_000_000)) {
                problems.add(new SpecProblem(bp + ".weight", "must be between 0 and 1000000"));
            }
            ServiceSpec service = services.get(ref.getName());
            if (service == null) {
                problems.add(new SpecProblem(bp + ".name", "\"" + ref.getName() + "\" is not a service declared in this topology"));
                continue;
            }
            if (service.effectiveType() == ServiceType.ExternalName) {
                problems.add(new SpecProblem(bp + ".name", "service \"" + ref.getName() + "\" is ExternalName: it has no ports and no"
                        + " endpoints for a Gateway to send traffic to"));
                continue;
            }
            IntOrString port = ref.getPort();
            if (port == null) {
                problems.add(new SpecProblem(bp + ".port", "required"));
                continue;
            }
            List<ServicePortSpec> ports = service.getPorts() == null ? List.of() : service.getPorts();
            ServicePortSpec found = ports.stream().filter(p -> p != null && (port.getIntVal() != null ? port.getIntVal().equals(p.getPort())
                    : port.getStrVal() != null && port.getStrVal().equals(p.getName()))).findFirst().orElse(null);
            if (found == null) {
                problems.add(new SpecProblem(bp + ".port", "service \"" + service.getName() + "\" has no port "
                        + (port.getIntVal() != null ? String.valueOf(port.getIntVal()) : "named \"" + port.getStrVal() + "\"")));
            } else if ((found.getProtocol() == null ? PortProtocol.TCP : found.getProtocol()) != protocol) {
                problems.add(new SpecProblem(bp + ".port", "port " + found.getPort() + " of service \"" + service.getName() + "\" is "
                        + (found.getProtocol() == null ? PortProtocol.TCP : found.getProtocol()) + "; this route carries " + protocol));
            }
        }
    }
}
