package io.networktopology.model;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.networktopology.api.v1alpha1.PortProtocol;
import io.networktopology.api.v1alpha1.ServicePortSpec;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.api.v1alpha1.SessionAffinity;
import io.networktopology.api.v1alpha1.TrafficPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One line per port saying how traffic reaches a service's pods, hop by hop, with the addresses the cluster
 * really assigned (or {@code <pending>}). This is the part of status that explains Kubernetes networking, so it
 * states each hop Kubernetes actually makes: kube-proxy (or its replacement) translates the ClusterIP hop;
 * headless and ExternalName services are DNS only.
 */
public final class TrafficPath {

    private static final String PENDING = "<pending>";

    private TrafficPath() {
    }

    public static String describe(ServiceSpec spec, Service actual, String fqdn) {
        ServiceType type = spec.effectiveType();
        if (type == ServiceType.ExternalName) {
            return fqdn + " → CNAME " + spec.getExternalName() + " (DNS only: no proxying, no port mapping)";
        }
        List<String> lines = new ArrayList<>();
        List<ServicePortSpec> ports = spec.getPorts() == null ? List.of() : spec.getPorts();
        if (type == ServiceType.Headless) {
            String targets = ports.stream().map(p -> targetPort(p)).distinct().collect(Collectors.joining(", "));
            return fqdn + " → A/AAAA records of each ready pod" + selectorText(spec)
                    + " (headless: DNS only, no ClusterIP, no proxying" + (targets.isEmpty() ? "" : "; connect to " + targets) + ")";
        }
        String clusterIp = clusterIp(actual);
        for (ServicePortSpec port : ports) {
            String servicePort = port.getPort() + protocolSuffix(port);
            StringBuilder line = new StringBuilder();
            if (type.exposesNodePorts()) {
                if (type == ServiceType.LoadBalancer) {
                    line.append(loadBalancer(actual)).append(':').append(servicePort).append(" → ");
                }
                line.append("nodeIP:").append(nodePort(actual, port)).append(" → ");
            } else {
                line.append(fqdn).append(':').append(servicePort).append(" → ");
            }
            line.append("ClusterIP ").append(clusterIp).append(':').append(servicePort);
            line.append(" → ").append(backend(spec, port));
            if (type.exposesNodePorts() && spec.getExternalTrafficPolicy() == TrafficPolicy.Local) {
                line.append(" (external traffic: client IP kept, only pods on the receiving node)");
            }
            if (spec.getInternalTrafficPolicy() == TrafficPolicy.Local) {
                line.append(" (in-cluster callers: only pods on their own node)");
            }
            if (spec.getSessionAffinity() == SessionAffinity.ClientIP) {
                line.append(" (sticky per client IP)");
            }
            lines.add(line.toString());
        }
        return String.join("; ", lines);
    }

    /** The last hop: "pods app=web :8080", or endpoints the user manages. */
    public static String backend(ServiceSpec spec, ServicePortSpec port) {
        if (spec.getSelector() == null || spec.getSelector().isEmpty()) {
            return "endpoints you manage (no selector) :" + targetPort(port);
        }
        return "pods" + selectorText(spec) + " :" + targetPort(port);
    }

    private static String selectorText(ServiceSpec spec) {
        Map<String, String> selector = spec.getSelector();
        if (selector == null || selector.isEmpty()) {
            return "";
        }
        return " " + new java.util.TreeMap<>(selector).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private static String targetPort(ServicePortSpec port) {
        if (port.getTargetPort() == null) {
            return String.valueOf(port.getPort());
        }
        return port.getTargetPort().getIntVal() != null
                ? String.valueOf(port.getTargetPort().getIntVal())
                : port.getTargetPort().getStrVal() + " (named port)";
    }

    /** "" for TCP, "/UDP" or "/SCTP" otherwise, as written after a port number. */
    static String protocolSuffix(ServicePortSpec port) {
        PortProtocol protocol = ServiceModel.effectiveProtocol(port);
        return protocol == PortProtocol.TCP ? "" : "/" + protocol;
    }

    private static String clusterIp(Service actual) {
        if (actual == null || actual.getSpec() == null || actual.getSpec().getClusterIP() == null
                || actual.getSpec().getClusterIP().isEmpty()) {
            return PENDING;
        }
        return actual.getSpec().getClusterIP();
    }

    private static String nodePort(Service actual, ServicePortSpec port) {
        if (actual == null || actual.getSpec() == null || actual.getSpec().getPorts() == null) {
            return port.getNodePort() != null ? String.valueOf(port.getNodePort()) : PENDING;
        }
        return allocatedNodePort(actual, port).map(String::valueOf).orElse(PENDING);
    }

    /** The node port the Service has for a declared port (same number and protocol), if one is allocated. */
    static Optional<Integer> allocatedNodePort(Service actual, ServicePortSpec port) {
        if (actual == null || actual.getSpec() == null || actual.getSpec().getPorts() == null) {
            return Optional.empty();
        }
        return actual.getSpec().getPorts().stream()
                .filter(p -> Objects.equals(p.getPort(), port.getPort())
                        && Objects.equals(p.getProtocol() == null ? "TCP" : p.getProtocol(), ServiceModel.effectiveProtocol(port).name()))
                .map(ServicePort::getNodePort)
                .filter(Objects::nonNull)
                .findFirst();
    }

    private static String loadBalancer(Service actual) {
        List<String> addresses = loadBalancerAddresses(actual);
        return addresses.isEmpty() ? "<pending load balancer>" : String.join("|", addresses);
    }

    /** The IPs or hostnames a load balancer controller published for the service. */
    public static List<String> loadBalancerAddresses(Service actual) {
        return actual == null || actual.getStatus() == null || actual.getStatus().getLoadBalancer() == null ? List.of()
                : addresses(actual.getStatus().getLoadBalancer().getIngress(), LoadBalancerIngress::getIp, LoadBalancerIngress::getHostname);
    }

    /** What a load balancer or ingress controller published: each entry's IP, else its hostname. */
    static <T> List<String> addresses(List<T> published, java.util.function.Function<T, String> ip, java.util.function.Function<T, String> hostname) {
        List<String> addresses = new ArrayList<>();
        for (T entry : published == null ? List.<T>of() : published) {
            String address = ip.apply(entry) != null && !ip.apply(entry).isEmpty() ? ip.apply(entry) : hostname.apply(entry);
            if (address != null && !address.isEmpty()) {
                addresses.add(address);
            }
        }
        return addresses;
    }
}
