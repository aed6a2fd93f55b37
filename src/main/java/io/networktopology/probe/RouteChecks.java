package io.networktopology.probe;

import io.networktopology.api.v1alpha1.GRPCRouteSpec;
import io.networktopology.api.v1alpha1.HTTPRouteSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.ProbesSpec.ProbePath;
import io.networktopology.api.v1alpha1.RouteSpec;
import io.networktopology.model.GatewayListeners;
import io.networktopology.model.GatewayListeners.Listener;
import io.networktopology.model.GatewayRouteModel.Kind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The external checks of the Gateway API routes, each through the address and port of a Gateway listener the route
 * attaches to, as a client outside the cluster would come in: HTTP with the route's hostname as Host (HTTPS with it as
 * SNI too), its path and the method and headers its match asks for, compared with a host nobody routes; gRPC as a call
 * that only a gRPC server answers; TLS as a handshake by SNI compared with a name nobody routes; TCP as a connection the
 * Gateway keeps open (it closes at once one it cannot take to a backend). Pure.
 */
final class RouteChecks {

    /** How long a TCP route's connection must stay open (or bring data): the Gateway closes at once one it cannot forward. */
    static final int TCP_HOLD_MS = 1500;
    /** What a gRPC check calls when the match names no service (or no method): any gRPC answer proves the route. */
    static final String GRPC_SERVICE = "grpc.health.v1.Health";
    static final String GRPC_METHOD = "Check";

    private RouteChecks() {
    }

    /**
     * @param listeners per route ({@code Kind/name}), the Gateway listeners it attaches to, with their addresses
     */
    static List<ProbeCheck> of(NetworkTopology topology, Map<String, List<Listener>> listeners) {
        // Listeners on which a route of this topology answers every name: there a host nobody routes is routed too.
        java.util.Set<Listener> catchAll = new java.util.HashSet<>();
        for (Kind kind : List.of(Kind.HTTPRoute, Kind.GRPCRoute)) {
            for (RouteSpec route : kind.routes(topology.getSpec())) {
                listeners.getOrDefault(kind.key(route.getName()), List.of()).stream()
                        .filter(l -> GatewayListeners.anyName(route.getHostnames(), l)).forEach(catchAll::add);
            }
        }
        List<ProbeCheck> checks = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            for (RouteSpec route : kind.routes(topology.getSpec())) {
                List<Listener> attached = listeners.getOrDefault(kind.key(route.getName()), List.of());
                boolean severalGateways = attached.stream().map(Listener::gateway).distinct().count() > 1;
                for (Listener listener : attached) {
                    if (listener.addresses().isEmpty()) {
                        continue;
                    }
                    String label = severalGateways ? listener.gateway().replace('/', '.') + "." + listener.name() : listener.name();
                    boolean compare = !catchAll.contains(listener);
                    checks.addAll(switch (kind) {
                        case HTTPRoute -> http((HTTPRouteSpec) route, listener, label, compare);
                        case GRPCRoute -> grpc((GRPCRouteSpec) route, listener, label, compare);
                        case TLSRoute -> tls(route, listener, label);
                        // On a TLS listener the Gateway waits for a ClientHello: a connection held open proves nothing there.
                        case TCPRoute -> "TCP".equals(listener.protocol()) ? List.of(tcp(route, listener, label)) : List.<ProbeCheck>of();
                        case UDPRoute -> List.<ProbeCheck>of();
                    });
                }
            }
        }
        return checks;
    }

    private static List<ProbeCheck> http(HTTPRouteSpec route, Listener listener, String label, boolean compare) {
        List<ProbeCheck> checks = new ArrayList<>();
        String address = listener.addresses().get(0);
        for (String hostname : hostnames(route, listener)) {
            String host = hostname == null ? hostOf(address) : hostname;
            Map<String, ProbeCheck.Http> byRequest = new LinkedHashMap<>();
            for (HTTPRouteSpec.Rule rule : route.getRules() == null ? List.<HTTPRouteSpec.Rule>of() : route.getRules()) {
                List<HTTPRouteSpec.Match> matches = rule.getMatches() == null || rule.getMatches().isEmpty()
                        ? List.of(new HTTPRouteSpec.Match()) : rule.getMatches();
                for (HTTPRouteSpec.Match match : matches) {
                    String path = match.getPath() == null ? "/" : match.getPath().effectiveValue();
                    Map<String, String> headers = new LinkedHashMap<>();
                    for (HTTPRouteSpec.HeaderMatch header : match.getHeaders() == null ? List.<HTTPRouteSpec.HeaderMatch>of() : match.getHeaders()) {
                        headers.put(header.getName(), header.getValue());
                    }
                    String method = match.getMethod() == null ? null : match.getMethod().name();
                    if ("CONNECT".equals(method)) {
                        continue; // a tunnel, not a request with a path: nothing this check can ask
                    }
                    String what = path + (method == null ? "" : "-" + method) + (headers.isEmpty() ? "" : "-" + String.join("-", headers.keySet()));
                    ProbeCheck.Http check = ProbeCheck.http(id(Kind.HTTPRoute, route, label, host + what), address, listener.port(), path, host)
                            .withMaxStatusClass(4)
                            .withRequest(method == null && headers.isEmpty() && !listener.tls() ? null
                                    : new ProbeCheck.Request(method, headers.isEmpty() ? null : headers, null, listener.tls() ? true : null));
                    if (compare) {
                        check = check.withUnroutedHost(ProbePlan.UNROUTED_HOST);
                    }
                    String scheme = listener.tls() ? "https" : "http";
                    byRequest.putIfAbsent(what, (ProbeCheck.Http) (listener.tls() ? check.withScheme("https") : check).on(ProbePath.ExternalToService.name(),
                            "probe client pod", scheme + "://" + host + path + (method == null ? "" : " (" + method + ")")
                                    + (headers.isEmpty() ? "" : " with " + headers) + " via " + via(listener, address)));
                }
            }
            checks.addAll(byRequest.values());
        }
        return checks;
    }

    private static List<ProbeCheck> grpc(GRPCRouteSpec route, Listener listener, String label, boolean compare) {
        List<ProbeCheck> checks = new ArrayList<>();
        String address = listener.addresses().get(0);
        for (String hostname : hostnames(route, listener)) {
            String host = hostname == null ? hostOf(address) : hostname;
            Map<String, ProbeCheck> byPath = new LinkedHashMap<>();
            for (GRPCRouteSpec.Rule rule : route.getRules() == null ? List.<GRPCRouteSpec.Rule>of() : route.getRules()) {
                List<GRPCRouteSpec.Match> matches = rule.getMatches() == null || rule.getMatches().isEmpty() ? List.of(new GRPCRouteSpec.Match())
                        : rule.getMatches();
                for (GRPCRouteSpec.Match match : matches) {
                    GRPCRouteSpec.MethodMatch method = match.getMethod();
                    String path = "/" + (method == null || method.getService() == null ? GRPC_SERVICE : method.getService()) + "/"
                            + (method == null || method.getMethod() == null ? GRPC_METHOD : method.getMethod());
                    ProbeCheck.Http check = ProbeCheck.http(id(Kind.GRPCRoute, route, label, host + path), address, listener.port(), path, host)
                            .withRequest(new ProbeCheck.Request(null, null, true, listener.tls() ? true : null));
                    if (compare) {
                        // A proxy that speaks gRPC itself (Envoy) answers a call it cannot route in gRPC too: compared.
                        check = check.withUnroutedHost(ProbePlan.UNROUTED_HOST);
                    }
                    byPath.putIfAbsent(path, (listener.tls() ? check.withScheme("https") : check).on(ProbePath.ExternalToService.name(),
                            "probe client pod", "gRPC " + host + path + " via " + via(listener, address)));
                }
            }
            checks.addAll(byPath.values());
        }
        return checks;
    }

    private static List<ProbeCheck> tls(RouteSpec route, Listener listener, String label) {
        List<ProbeCheck> checks = new ArrayList<>();
        String address = listener.addresses().get(0);
        for (String hostname : hostnames(route, listener)) {
            if (hostname == null) {
                continue; // a TLS route without a name has none to ask by; its TCP path is a TCP route's check
            }
            // Passthrough: the backend's own handshake, told from the answer for a name nobody routes. Terminated at the
            // Gateway: its handshake proves only the Gateway, so the connection must then be kept (forwarded), and what
            // answers on it must not be what answers a name nobody routes.
            ProbeCheck.Tls check = ProbeCheck.tls(id(Kind.TLSRoute, route, label, hostname), address, listener.port(), hostname,
                    ProbePlan.UNROUTED_HOST);
            checks.add((listener.passthrough() ? check : check.withHoldMs(TCP_HOLD_MS))
                    .on(ProbePath.ExternalToService.name(), "probe client pod", "TLS " + hostname + " via " + via(listener, address)));
        }
        return checks;
    }

    private static ProbeCheck tcp(RouteSpec route, Listener listener, String label) {
        String address = listener.addresses().get(0);
        return ProbeCheck.tcp(id(Kind.TCPRoute, route, label, address), address, listener.port()).withHoldMs(TCP_HOLD_MS)
                .on(ProbePath.ExternalToService.name(), "probe client pod", "TCP " + via(listener, address));
    }

    /** The names to ask for: the route's that the listener serves (a wildcard by one name it covers), or null for "any". */
    private static List<String> hostnames(RouteSpec route, Listener listener) {
        if (route.getHostnames() == null || route.getHostnames().isEmpty()) {
            java.util.ArrayList<String> one = new java.util.ArrayList<>();
            one.add(GatewayListeners.probeName(null, listener));
            return one;
        }
        return route.getHostnames().stream().map(h -> GatewayListeners.probeName(h, listener)).filter(java.util.Objects::nonNull).distinct().toList();
    }

    private static String via(Listener listener, String address) {
        return "Gateway " + listener.gateway() + " listener " + listener.name() + " (" + listener.protocol() + " " + address + ":" + listener.port() + ")";
    }

    /** An address as a Host header: an IPv6 literal in brackets. */
    private static String hostOf(String address) {
        return address.contains(":") ? "[" + address + "]" : address;
    }

    private static String id(Kind kind, RouteSpec route, String listener, String what) {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + route.getName() + "-" + listener + "-" + what;
    }
}
