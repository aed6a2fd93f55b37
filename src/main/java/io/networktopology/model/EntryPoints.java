package io.networktopology.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.networktopology.api.v1alpha1.EntryPoint;
import io.networktopology.api.v1alpha1.IngressBackendSpec;
import io.networktopology.api.v1alpha1.IngressPathSpec;
import io.networktopology.api.v1alpha1.IngressRuleSpec;
import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.NetworkTopologySpec;
import io.networktopology.api.v1alpha1.RouteBackendRef;
import io.networktopology.api.v1alpha1.RouteSpec;
import io.networktopology.api.v1alpha1.ServicePortSpec;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every way into a topology from outside the cluster — NodePorts on the node addresses, load balancer addresses,
 * ingress URLs — each with the whole path to the pods, from what the cluster really assigned.
 */
public final class EntryPoints {

    private static final int MAX_NODES_SHOWN = 3;

    private EntryPoints() {
    }

    public static List<EntryPoint> of(NetworkTopologySpec spec, Map<String, Service> services, Map<String, Ingress> ingresses,
            List<String> nodeAddresses) {
        List<EntryPoint> entries = new ArrayList<>();
        if (spec == null) {
            return entries;
        }
        List<ServiceSpec> serviceSpecs = spec.getServices() == null ? List.of() : spec.getServices();
        for (ServiceSpec service : serviceSpecs) {
            if (!service.effectiveType().exposesNodePorts() || service.getPorts() == null) {
                continue;
            }
            Service actual = services.get(service.getName());
            for (ServicePortSpec port : service.getPorts()) {
                String servicePort = service.getName() + ":" + port.getPort() + TrafficPath.protocolSuffix(port);
                String nodePort = nodePort(actual, port).map(String::valueOf).orElse("<pending>");
                String nodes = nodes(nodeAddresses, nodePort);
                entries.add(new EntryPoint(EntryPoint.Kind.NodePort, nodes, service.getName(),
                        nodes + " → service " + servicePort + " → " + TrafficPath.backend(service, port)));
                if (service.effectiveType() == ServiceType.LoadBalancer) {
                    List<String> lb = TrafficPath.loadBalancerAddresses(actual);
                    for (String address : lb.isEmpty() ? List.of("<pending load balancer>") : lb) {
                        String entry = address + ":" + port.getPort() + TrafficPath.protocolSuffix(port);
                        entries.add(new EntryPoint(EntryPoint.Kind.LoadBalancer, entry, service.getName(),
                                entry + " → service " + servicePort + " → " + TrafficPath.backend(service, port)));
                    }
                }
            }
        }
        for (IngressSpec ingress : spec.getIngresses() == null ? List.<IngressSpec>of() : spec.getIngresses()) {
            String via = "ingress " + ingress.getName() + " (" + (ingress.getClassName() == null ? "default class" : "class " + ingress.getClassName())
                    + ", " + addressText(ingresses.get(ingress.getName())) + ")";
            for (IngressRuleSpec rule : ingress.getRules() == null ? List.<IngressRuleSpec>of() : ingress.getRules()) {
                for (IngressPathSpec path : rule.getPaths() == null ? List.<IngressPathSpec>of() : rule.getPaths()) {
                    String url = Routes.url(ingress, rule.getHost(), path.effectivePath());
                    entries.add(new EntryPoint(EntryPoint.Kind.Ingress, url, path.getService(),
                            url + matchSuffix(path) + " → " + via + " → " + backendText(serviceSpecs, path.backend())));
                }
            }
            if (ingress.getDefaultBackend() != null) {
                String url = "http://" + addressText(ingresses.get(ingress.getName())) + "/ (no rule matched)";
                entries.add(new EntryPoint(EntryPoint.Kind.Ingress, url, ingress.getDefaultBackend().getService(),
                        url + " → " + via + " default backend → " + backendText(serviceSpecs, ingress.getDefaultBackend())));
            }
        }
        return entries;
    }

    /**
     * The Gateway API routes' ways in: per route, per listener of its Gateways it attaches to, per hostname, with the
     * Gateway's address and the listener's port and protocol; a route with no listener to reach it by says so.
     *
     * @param listeners per route ({@code Kind/name}) the listeners it attaches to (see {@link GatewayListeners})
     */
    public static List<EntryPoint> ofRoutes(NetworkTopologySpec spec, Map<String, List<GatewayListeners.Listener>> listeners) {
        List<EntryPoint> entries = new ArrayList<>();
        List<ServiceSpec> serviceSpecs = spec == null || spec.getServices() == null ? List.of() : spec.getServices();
        for (GatewayRouteModel.Kind kind : GatewayRouteModel.Kind.values()) {
            for (RouteSpec route : kind.routes(spec)) {
                List<List<RouteBackendRef>> rules = backends(route);
                String service = rules.stream().flatMap(List::stream).map(RouteBackendRef::getName).findFirst().orElse(null);
                // Per rule its backends (split by weight when there are several); rules with the same backends said once.
                String to = kind.name() + " " + route.getName() + " → " + rules.stream().map(backends -> backends.isEmpty() ? "a redirect (no backend)"
                        : backends.stream().map(b -> backendText(serviceSpecs, new IngressBackendSpec(b.getName(), b.getPort()))
                                + (backends.size() > 1 && b.getWeight() != null ? " (weight " + b.getWeight() + ")" : ""))
                        .collect(java.util.stream.Collectors.joining(" + "))).distinct().collect(java.util.stream.Collectors.joining(" | "));
                List<GatewayListeners.Listener> attached = listeners.getOrDefault(kind.key(route.getName()), List.of());
                if (attached.isEmpty()) {
                    String gateways = String.join(", ", GatewayRouteModel.gateways(route.getParentRefs(), "<own namespace>"));
                    entries.add(new EntryPoint(EntryPoint.Kind.Gateway, "<no listener of " + gateways + ">", service,
                            "Gateway " + gateways + " (no listener seen that takes " + kind.name() + "s) → " + to));
                    continue;
                }
                for (GatewayListeners.Listener listener : attached) {
                    String address = listener.addresses().isEmpty() ? "<pending address>" : String.join("|", listener.addresses().stream()
                            .map(DnsNames::bracketed).toList());
                    String via = "Gateway " + listener.gateway() + " listener " + listener.name() + " (" + listener.protocol() + " " + address
                            + ":" + listener.port() + ")";
                    List<String> names = route.getHostnames() == null || route.getHostnames().isEmpty() ? java.util.Collections.singletonList(null)
                            : route.getHostnames();
                    for (String hostname : names) {
                        String host = hostname != null ? hostname : listener.hostname() != null ? listener.hostname() : "*";
                        String entry = switch (kind) {
                            case HTTPRoute, GRPCRoute -> (listener.tls() ? "https://" : "http://") + host + portSuffix(listener)
                                    + (kind == GatewayRouteModel.Kind.GRPCRoute ? " (gRPC)" : "");
                            case TLSRoute -> "tls://" + host + ":" + listener.port();
                            case TCPRoute -> "tcp://" + address + ":" + listener.port();
                            case UDPRoute -> "udp://" + address + ":" + listener.port();
                        };
                        entries.add(new EntryPoint(EntryPoint.Kind.Gateway, entry, service, entry + " → " + via + " → " + to));
                    }
                }
            }
        }
        return entries;
    }

    private static String portSuffix(GatewayListeners.Listener listener) {
        return listener.port() == (listener.tls() ? 443 : 80) ? "" : ":" + listener.port();
    }

    /** Per rule, its backends (empty for a redirect). */
    private static List<List<RouteBackendRef>> backends(RouteSpec route) {
        List<List<RouteBackendRef>> backends = new ArrayList<>();
        for (io.networktopology.api.v1alpha1.RouteRule rule : route.rules() == null ? List.<io.networktopology.api.v1alpha1.RouteRule>of() : route.rules()) {
            backends.add(rule.getBackendRefs() == null ? List.of() : rule.getBackendRefs());
        }
        return backends;
    }

    private static String matchSuffix(IngressPathSpec path) {
        return switch (path.effectivePathType()) {
            case Exact -> " (exact)";
            case Prefix -> path.effectivePath().equals("/") ? "" : " (and below)";
            case ImplementationSpecific -> " (as the controller matches it)";
        };
    }

    static String backendText(List<ServiceSpec> services, IngressBackendSpec backend) {
        ServiceSpec service = services.stream().filter(s -> Objects.equals(s.getName(), backend.getService())).findFirst().orElse(null);
        if (service == null) {
            return "service " + backend.getService() + " (not declared)";
        }
        if (service.effectiveType() == ServiceType.ExternalName) {
            return "service " + service.getName() + " (ExternalName → " + service.getExternalName()
                    + "; the ingress controller must support ExternalName backends)";
        }
        IntOrString wanted = backend.getPort();
        Optional<ServicePortSpec> port = (service.getPorts() == null ? List.<ServicePortSpec>of() : service.getPorts()).stream()
                .filter(p -> wanted != null && (wanted.getIntVal() != null ? wanted.getIntVal().equals(p.getPort())
                        : Objects.equals(wanted.getStrVal(), p.getName())))
                .findFirst();
        if (port.isEmpty()) {
            return "service " + service.getName() + " (no such port)";
        }
        String named = wanted.getStrVal() != null ? " (" + wanted.getStrVal() + ")" : "";
        return "service " + service.getName() + ":" + port.get().getPort() + named + " → " + TrafficPath.backend(service, port.get());
    }

    private static String nodes(List<String> nodeAddresses, String nodePort) {
        if (nodeAddresses.isEmpty()) {
            return "<any-node-ip>:" + nodePort;
        }
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < Math.min(MAX_NODES_SHOWN, nodeAddresses.size()); i++) {
            shown.add(DnsNames.bracketed(nodeAddresses.get(i)) + ":" + nodePort);
        }
        String more = nodeAddresses.size() > MAX_NODES_SHOWN ? " (+" + (nodeAddresses.size() - MAX_NODES_SHOWN) + " more nodes)" : "";
        return String.join(", ", shown) + more;
    }

    private static Optional<Integer> nodePort(Service actual, ServicePortSpec port) {
        return port.getNodePort() != null ? Optional.of(port.getNodePort()) : TrafficPath.allocatedNodePort(actual, port);
    }

    /** The addresses an ingress controller published for an Ingress, or a placeholder. */
    public static String addressText(Ingress actual) {
        List<String> addresses = ingressAddresses(actual);
        return addresses.isEmpty() ? "<pending address>" : String.join("|", addresses);
    }

    public static List<String> ingressAddresses(Ingress actual) {
        return actual == null || actual.getStatus() == null || actual.getStatus().getLoadBalancer() == null ? List.of()
                : TrafficPath.addresses(actual.getStatus().getLoadBalancer().getIngress(), i -> i.getIp(), i -> i.getHostname());
    }
}
