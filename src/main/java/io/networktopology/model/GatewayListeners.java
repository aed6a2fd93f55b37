package io.networktopology.model;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.networktopology.api.v1alpha1.RouteParentRef;
import io.networktopology.model.GatewayRouteModel.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a route is reached from outside: the listeners of its Gateways ({@code spec.listeners}) that it attaches to,
 * each with the Gateway's addresses ({@code status.addresses}, as its controller published them). Pure.
 */
public final class GatewayListeners {

    /**
     * One listener of a Gateway.
     *
     * @param gateway     namespace/name of the Gateway
     * @param name        the listener's name (a parentRef's sectionName)
     * @param protocol    HTTP, HTTPS, TLS, TCP or UDP
     * @param hostname    the listener's hostname (may be a {@code *.} wildcard), or null for any
     * @param passthrough TLS passed through to the backend (mode Passthrough) rather than terminated at the Gateway
     * @param kinds       the route kinds the controller says the listener takes ({@code status.listeners[].supportedKinds}),
     *                    or null when it has not said
     * @param addresses   the Gateway's addresses, empty while its controller has published none
     * @param from        which namespaces' routes it admits ({@code allowedRoutes.namespaces.from}): All, Same (default)
     *                    or Selector
     */
    public record Listener(String gateway, String name, String protocol, int port, String hostname, boolean passthrough,
            List<String> kinds, List<String> addresses, String from) {

        public Listener(String gateway, String name, String protocol, int port, String hostname, boolean passthrough,
                List<String> kinds, List<String> addresses) {
            this(gateway, name, protocol, port, hostname, passthrough, kinds, addresses, "All");
        }

        /**
         * Whether a route of {@code namespace} may attach: All, Same (the Gateway's namespace), or Selector (the
         * namespace's labels are not known here: assumed, and the Gateway's answer in RoutesReady says otherwise).
         */
        public boolean admits(String namespace) {
            return !"Same".equals(from) || gateway.startsWith(namespace + "/");
        }

        /** Whether a route of {@code kind} can attach here: what the controller says, else what the protocol allows. */
        public boolean takes(Kind kind) {
            if (kinds != null) {
                return kinds.contains(kind.name());
            }
            return switch (kind) {
                case HTTPRoute, GRPCRoute -> "HTTP".equals(protocol) || "HTTPS".equals(protocol);
                case TLSRoute -> "TLS".equals(protocol);
                case TCPRoute -> "TCP".equals(protocol) || "TLS".equals(protocol);
                case UDPRoute -> "UDP".equals(protocol);
            };
        }

        public boolean tls() {
            return "HTTPS".equals(protocol) || "TLS".equals(protocol);
        }
    }

    private GatewayListeners() {
    }

    /** The listeners of a Gateway object, with its published addresses. */
    @SuppressWarnings("unchecked")
    public static List<Listener> of(GenericKubernetesResource gateway) {
        List<Listener> listeners = new ArrayList<>();
        if (gateway == null) {
            return listeners;
        }
        String key = gateway.getMetadata().getNamespace() + "/" + gateway.getMetadata().getName();
        Map<String, Object> spec = map(gateway.getAdditionalProperties().get("spec"));
        Map<String, Object> status = map(gateway.getAdditionalProperties().get("status"));
        List<String> addresses = list(status.get("addresses")).stream().map(a -> map(a).get("value")).filter(Objects::nonNull)
                .map(String::valueOf).toList();
        List<Object> listenerStatus = list(status.get("listeners"));
        for (Object item : list(spec.get("listeners"))) {
            Map<String, Object> listener = map(item);
            String name = String.valueOf(listener.get("name"));
            Object port = listener.get("port");
            if (!(port instanceof Number number)) {
                continue;
            }
            Map<String, Object> tls = map(listener.get("tls"));
            List<String> kinds = listenerStatus.stream().map(GatewayListeners::map).filter(s -> name.equals(s.get("name")))
                    .findFirst().map(s -> s.get("supportedKinds") instanceof List<?> l
                            ? l.stream().map(k -> String.valueOf(map(k).get("kind"))).toList() : null).orElse(null);
            Object from = map(map(listener.get("allowedRoutes")).get("namespaces")).get("from");
            listeners.add(new Listener(key, name, String.valueOf(listener.get("protocol")), number.intValue(),
                    listener.get("hostname") == null ? null : String.valueOf(listener.get("hostname")),
                    "Passthrough".equals(tls.get("mode")), kinds, addresses, from == null ? "Same" : String.valueOf(from)));
        }
        return listeners;
    }

    /** The GatewayClass a Gateway names, or null. */
    public static String className(GenericKubernetesResource gateway) {
        Object name = gateway == null ? null : map(gateway.getAdditionalProperties().get("spec")).get("gatewayClassName");
        return name == null ? null : String.valueOf(name);
    }

    /**
     * The listeners a route of {@code kind} reaches through one parentRef: those of the Gateway named by its
     * sectionName (a listener's name) and port when given, that take the kind and admit routes of the route's namespace.
     */
    public static List<Listener> attached(Kind kind, RouteParentRef ref, List<Listener> listeners, String routeNamespace) {
        return listeners.stream()
                .filter(l -> ref.getSectionName() == null || ref.getSectionName().equals(l.name()))
                .filter(l -> ref.getPort() == null || ref.getPort() == l.port())
                .filter(l -> l.takes(kind))
                .filter(l -> l.admits(routeNamespace))
                .toList();
    }

    /**
     * The name a client asks for, to reach a route hostname through a listener, or null when the listener cannot serve
     * it (its own hostname does not cover the route's). A wildcard is probed with one name it covers; with neither
     * hostname, null too (the route answers any name: see {@link #anyName}).
     */
    public static String probeName(String routeHostname, Listener listener) {
        String listenerHost = listener.hostname();
        if (routeHostname == null) {
            return listenerHost == null ? null : concrete(listenerHost);
        }
        String name = concrete(routeHostname);
        if (listenerHost == null || covers(listenerHost, name)) {
            return name;
        }
        // The listener's wildcard may be the narrower: *.example.com route, *.shop.example.com listener.
        return routeHostname.startsWith("*.") && covers(routeHostname, concrete(listenerHost)) ? concrete(listenerHost) : null;
    }

    /** Whether a route without hostnames on a listener without one answers any name (a catch-all). */
    public static boolean anyName(List<String> routeHostnames, Listener listener) {
        return (routeHostnames == null || routeHostnames.isEmpty()) && listener.hostname() == null;
    }

    private static String concrete(String hostname) {
        return hostname.startsWith("*.") ? "probe" + hostname.substring(1) : hostname;
    }

    /** A Gateway API hostname match: exact, or a {@code *.} wildcard covering one or more labels. */
    static boolean covers(String pattern, String name) {
        if (pattern.startsWith("*.")) {
            String suffix = pattern.substring(1);
            return name.endsWith(suffix) && name.length() > suffix.length();
        }
        return pattern.equalsIgnoreCase(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
