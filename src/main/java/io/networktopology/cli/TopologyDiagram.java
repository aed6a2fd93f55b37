package io.networktopology.cli;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.networktopology.api.v1alpha1.CheckStatus;
import io.networktopology.api.v1alpha1.DnsSpec;
import io.networktopology.api.v1alpha1.IngressPathSpec;
import io.networktopology.api.v1alpha1.IngressRuleSpec;
import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.ServicePortSpec;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.model.ServiceModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What topologies become, as a diagram: entry points (Ingress routes, Gateway API routes, load balancers, node ports) → Services → the
 * pods they select, and the DNS names CoreDNS answers. Given live topologies ({@code kubectl get ntopo -o yaml}), the
 * connectivity checks of their status colour each node: green when every check of it passed, red when one failed.
 * Printed as Mermaid ({@code flowchart LR}) or Graphviz DOT.
 */
final class TopologyDiagram {

    enum Verdict { PASSED, FAILED, UNCHECKED }

    record Node(String id, String group, String label, boolean external, Verdict verdict) {
    }

    record Edge(String from, String to, String label, boolean dotted) {
    }

    static final Map<String, String> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("entry", "entry points");
        GROUPS.put("services", "Services");
        GROUPS.put("pods", "pods (yours)");
        GROUPS.put("dns", "CoreDNS entries");
        GROUPS.put("outside", "outside the cluster");
    }

    /** Per topology: its title and nodes in order; edges across all. */
    private final Map<String, List<Node>> nodes = new LinkedHashMap<>();
    private final List<Edge> edges = new ArrayList<>();

    static TopologyDiagram of(List<NetworkTopology> topologies) {
        TopologyDiagram diagram = new TopologyDiagram();
        for (int i = 0; i < topologies.size(); i++) {
            diagram.add(topologies.get(i), topologies.size() == 1 ? "" : "t" + i + "_");
        }
        return diagram;
    }

    private void add(NetworkTopology topology, String prefix) {
        String title = ServiceModel.namespaceOf(topology) + "/" + topology.getMetadata().getName();
        List<Node> mine = new ArrayList<>();
        nodes.put(title, mine);
        List<CheckStatus> checks = topology.getStatus() == null || topology.getStatus().getConnectivity() == null
                || topology.getStatus().getConnectivity().getChecks() == null
                ? List.of() : topology.getStatus().getConnectivity().getChecks();
        Map<String, String> podsBySelector = new LinkedHashMap<>();
        List<ServiceSpec> services = topology.getSpec() == null || topology.getSpec().getServices() == null
                ? List.of() : topology.getSpec().getServices();
        for (ServiceSpec service : services) {
            String name = service.getName();
            ServiceType type = service.effectiveType();
            String id = prefix + "svc_" + safe(name);
            String ports = ports(service);
            mine.add(new Node(id, "services", name + "\n" + type + (ports.isEmpty() ? "" : " " + ports), false,
                    verdict(checks, "(svc-(ip|name|endpoints)-" + q(name) + "-\\d+|dns-(a|aaaa|cname|ptr)-" + q(name) + "|dns-srv-" + q(name) + "-[^-]+)")));
            if (type == ServiceType.ExternalName) {
                String ext = prefix + "ext_" + safe(service.getExternalName());
                mine.add(new Node(ext, "outside", service.getExternalName(), true, Verdict.UNCHECKED));
                edges.add(new Edge(id, ext, "CNAME", true));
                continue;
            }
            if (service.getSelector() != null && !service.getSelector().isEmpty()) {
                String selector = new TreeMap<>(service.getSelector()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(","));
                String pods = podsBySelector.computeIfAbsent(selector, s -> {
                    String podId = prefix + "pods_" + safe(s);
                    mine.add(new Node(podId, "pods", "pods " + s, false, Verdict.UNCHECKED));
                    return podId;
                });
                edges.add(new Edge(id, pods, type == ServiceType.Headless ? "A records" : targetPorts(service), type == ServiceType.Headless));
            }
            if (type.exposesNodePorts()) {
                for (ServicePortSpec port : service.getPorts() == null ? List.<ServicePortSpec>of() : service.getPorts()) {
                    String protocol = ServiceModel.effectiveProtocol(port).name();
                    if (type == ServiceType.LoadBalancer) {
                        String lb = prefix + "lb_" + safe(name) + "_" + port.getPort() + "_" + protocol;
                        mine.add(new Node(lb, "entry", "load balancer\n:" + port.getPort() + "/" + protocol
                                + (service.getLoadBalancerSourceRanges() == null ? "" : "\nfrom " + String.join(", ", service.getLoadBalancerSourceRanges())),
                                false, verdict(checks, "lb-" + q(name) + "-" + port.getPort() + "-.+")));
                        edges.add(new Edge(lb, id, null, false));
                    }
                    String np = prefix + "np_" + safe(name) + "_" + port.getPort() + "_" + protocol;
                    mine.add(new Node(np, "entry", "every node :" + (port.getNodePort() == null ? "(allocated)" : port.getNodePort())
                            + "/" + protocol, false, verdict(checks, "nodeport-" + q(name) + "-" + port.getPort() + "-.+")));
                    edges.add(new Edge(np, id, null, false));
                }
            }
        }
        List<IngressSpec> ingresses = topology.getSpec() == null || topology.getSpec().getIngresses() == null
                ? List.of() : topology.getSpec().getIngresses();
        for (IngressSpec ingress : ingresses) {
            List<String> tlsHosts = ingress.getTls() == null ? List.of()
                    : ingress.getTls().stream().filter(t -> t.getHosts() != null).flatMap(t -> t.getHosts().stream()).toList();
            String klass = ingress.getClassName() == null ? "" : ", class " + ingress.getClassName();
            Verdict verdict = verdict(checks, "ingress-" + q(ingress.getName()) + "-.+");
            for (IngressRuleSpec rule : ingress.getRules() == null ? List.<IngressRuleSpec>of() : ingress.getRules()) {
                String host = rule.getHost() == null ? "*" : rule.getHost();
                String scheme = tlsHosts.contains(rule.getHost()) ? "https://" : "http://";
                for (IngressPathSpec path : rule.getPaths() == null ? List.<IngressPathSpec>of() : rule.getPaths()) {
                    String p = path.getPath() == null ? "/" : path.getPath();
                    String node = prefix + "ing_" + safe(ingress.getName() + "_" + host + p);
                    mine.add(new Node(node, "entry", scheme + host + p + "\ningress " + ingress.getName() + klass, false, verdict));
                    edges.add(new Edge(node, prefix + "svc_" + safe(path.getService()), port(path.getPort()), false));
                }
            }
            if (ingress.getDefaultBackend() != null) {
                String node = prefix + "ing_" + safe(ingress.getName() + "_default");
                mine.add(new Node(node, "entry", "any other host or path\ningress " + ingress.getName() + klass, false, verdict));
                edges.add(new Edge(node, prefix + "svc_" + safe(ingress.getDefaultBackend().getService()),
                        port(ingress.getDefaultBackend().getPort()), false));
            }
        }
        for (io.networktopology.model.GatewayRouteModel.Kind kind : io.networktopology.model.GatewayRouteModel.Kind.values()) {
            for (io.networktopology.api.v1alpha1.RouteSpec route : kind.routes(topology.getSpec())) {
                String node = prefix + kind.name().toLowerCase(java.util.Locale.ROOT) + "_" + safe(route.getName());
                String hosts = route.getHostnames() == null || route.getHostnames().isEmpty() ? "any host" : String.join(", ", route.getHostnames());
                String gateways = String.join(", ", io.networktopology.model.GatewayRouteModel.gateways(route.getParentRefs(),
                        ServiceModel.namespaceOf(topology)));
                mine.add(new Node(node, "entry", (kind == io.networktopology.model.GatewayRouteModel.Kind.TCPRoute
                        || kind == io.networktopology.model.GatewayRouteModel.Kind.UDPRoute ? "" : hosts + "\n") + kind.name() + " " + route.getName()
                        + "\nGateway " + gateways, false, verdict(checks, kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + q(route.getName()) + "-.+")));
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (io.networktopology.api.v1alpha1.RouteRule rule : route.rules() == null ? List.<io.networktopology.api.v1alpha1.RouteRule>of()
                        : route.rules()) {
                    List<io.networktopology.api.v1alpha1.RouteBackendRef> refs = rule.getBackendRefs();
                    for (io.networktopology.api.v1alpha1.RouteBackendRef ref : refs == null ? List.<io.networktopology.api.v1alpha1.RouteBackendRef>of() : refs) {
                        if (seen.add(ref.getName() + ":" + port(ref.getPort()))) {
                            edges.add(new Edge(node, prefix + "svc_" + safe(ref.getName()), port(ref.getPort()), false));
                        }
                    }
                }
            }
        }
        DnsSpec dns = topology.getSpec() == null ? null : topology.getSpec().getDns();
        if (dns != null) {
            for (DnsSpec.Alias alias : dns.getAliases() == null ? List.<DnsSpec.Alias>of() : dns.getAliases()) {
                String node = prefix + "alias_" + safe(alias.getName());
                mine.add(new Node(node, "dns", "alias " + alias.getName(), false, verdict(checks, "dns-alias-" + q(alias.getName()))));
                edges.add(new Edge(node, prefix + "svc_" + safe(alias.getService()), "answers as", true));
            }
            for (DnsSpec.Host host : dns.getHosts() == null ? List.<DnsSpec.Host>of() : dns.getHosts()) {
                mine.add(new Node(prefix + "host_" + safe(host.getHostname()), "dns", "host " + host.getHostname() + "\n"
                        + String.join(", ", host.getAddresses() == null ? List.of() : host.getAddresses()), false,
                        verdict(checks, "dns-host-" + q(host.getHostname()) + "-.+")));
            }
            for (DnsSpec.StubDomain stub : dns.getStubDomains() == null ? List.<DnsSpec.StubDomain>of() : dns.getStubDomains()) {
                String node = prefix + "stub_" + safe(stub.getDomain());
                mine.add(new Node(node, "dns", "stub domain " + stub.getDomain(), false, verdict(checks, "dns-stub-" + q(stub.getDomain()))));
                String upstream = prefix + "up_" + safe(stub.getDomain());
                mine.add(new Node(upstream, "outside", String.join(", ", stub.getUpstreams() == null ? List.of() : stub.getUpstreams()),
                        true, Verdict.UNCHECKED));
                edges.add(new Edge(node, upstream, "forwards to", true));
            }
        }
    }

    /** PASSED when every check whose id matches passed, FAILED when one failed, else UNCHECKED (none, or not run). */
    private static Verdict verdict(List<CheckStatus> checks, String idPattern) {
        Pattern pattern = Pattern.compile(idPattern + "(-from-.+)?(@.+)?");
        List<CheckStatus> mine = checks.stream().filter(c -> c.getId() != null && pattern.matcher(c.getId()).matches()).toList();
        if (mine.stream().anyMatch(c -> c.getResult() == CheckStatus.Result.Failed)) {
            return Verdict.FAILED;
        }
        if (!mine.isEmpty() && mine.stream().anyMatch(c -> c.getResult() == CheckStatus.Result.Passed)
                && mine.stream().allMatch(c -> c.getResult() != CheckStatus.Result.Skipped
                        || c.getMessage() != null && c.getMessage().startsWith("not applicable"))) {
            return Verdict.PASSED;
        }
        return Verdict.UNCHECKED;
    }

    private static String ports(ServiceSpec service) {
        if (service.getPorts() == null) {
            return "";
        }
        return service.getPorts().stream().map(p -> ":" + p.getPort()
                + (ServiceModel.effectiveProtocol(p).name().equals("TCP") ? "" : "/" + ServiceModel.effectiveProtocol(p).name()))
                .collect(Collectors.joining(" "));
    }

    private static String targetPorts(ServiceSpec service) {
        if (service.getPorts() == null) {
            return null;
        }
        return service.getPorts().stream().map(p -> p.getTargetPort() == null ? ":" + p.getPort() : port(p.getTargetPort()))
                .distinct().collect(Collectors.joining(" "));
    }

    private static String port(IntOrString port) {
        if (port == null) {
            return null;
        }
        return ":" + (port.getIntVal() != null ? String.valueOf(port.getIntVal()) : port.getStrVal());
    }

    private static String q(String text) {
        return Pattern.quote(text == null ? "" : text);
    }

    /** An identifier both formats accept: letters, digits and underscores. */
    static String safe(String text) {
        return (text == null ? "none" : text).replaceAll("[^A-Za-z0-9]", "_");
    }

    // ------------------------------------------------------------------------------------------------- Mermaid

    String mermaid() {
        StringBuilder out = new StringBuilder("flowchart LR\n");
        boolean several = nodes.size() > 1;
        int t = 0;
        for (Map.Entry<String, List<Node>> topology : nodes.entrySet()) {
            String indent = several ? "    " : "  ";
            if (several) {
                out.append("  subgraph topology_").append(t++).append("[\"").append(mermaidText(topology.getKey())).append("\"]\n");
            }
            for (Map.Entry<String, String> group : GROUPS.entrySet()) {
                List<Node> members = topology.getValue().stream().filter(n -> n.group().equals(group.getKey())).toList();
                if (members.isEmpty()) {
                    continue;
                }
                String groupId = members.get(0).id().replaceFirst("^((t\\d+_)?).*", "$1") + "g_" + group.getKey();
                out.append(indent).append("subgraph ").append(groupId).append("[\"").append(group.getValue()).append("\"]\n");
                for (Node node : members) {
                    String text = mermaidText(node.label());
                    out.append(indent).append("  ").append(node.id()).append(node.external() ? "([\"" + text + "\"])" : "[\"" + text + "\"]");
                    if (node.verdict() != Verdict.UNCHECKED) {
                        out.append(":::").append(node.verdict().name().toLowerCase());
                    }
                    out.append('\n');
                }
                out.append(indent).append("end\n");
            }
            if (several) {
                out.append("  end\n");
            }
        }
        for (Edge edge : edges) {
            out.append("  ").append(edge.from()).append(edge.dotted() ? " -.->" : " -->");
            if (edge.label() != null && !edge.label().isEmpty()) {
                out.append("|\"").append(mermaidText(edge.label())).append("\"|");
            }
            out.append(' ').append(edge.to()).append('\n');
        }
        out.append("  classDef passed fill:#d4edda,stroke:#1e7e34,color:#155724\n");
        out.append("  classDef failed fill:#f8d7da,stroke:#c82333,color:#721c24\n");
        return out.toString();
    }

    private static String mermaidText(String text) {
        return text.replace("\"", "#quot;").replace("\n", "<br/>");
    }

    // ------------------------------------------------------------------------------------------------- DOT

    String dot() {
        StringBuilder out = new StringBuilder("digraph topology {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\"];\n"
                + "  edge [fontname=\"Helvetica\", fontsize=10];\n");
        int t = 0;
        for (Map.Entry<String, List<Node>> topology : nodes.entrySet()) {
            out.append("  subgraph cluster_topology_").append(t++).append(" {\n    label=").append(dotText(topology.getKey())).append(";\n");
            for (Map.Entry<String, String> group : GROUPS.entrySet()) {
                List<Node> members = topology.getValue().stream().filter(n -> n.group().equals(group.getKey())).toList();
                if (members.isEmpty()) {
                    continue;
                }
                out.append("    subgraph cluster_").append(members.get(0).id().replaceFirst("^((t\\d+_)?).*", "$1")).append(group.getKey())
                        .append(" {\n      label=").append(dotText(group.getValue())).append(";\n");
                for (Node node : members) {
                    out.append("      ").append(node.id()).append(" [label=").append(dotText(node.label()));
                    if (node.external()) {
                        out.append(", shape=ellipse");
                    }
                    switch (node.verdict()) {
                        case PASSED -> out.append(", fillcolor=\"#d4edda\", color=\"#1e7e34\"");
                        case FAILED -> out.append(", fillcolor=\"#f8d7da\", color=\"#c82333\"");
                        default -> { }
                    }
                    out.append("];\n");
                }
                out.append("    }\n");
            }
            out.append("  }\n");
        }
        for (Edge edge : edges) {
            out.append("  ").append(edge.from()).append(" -> ").append(edge.to());
            List<String> attributes = new ArrayList<>();
            if (edge.label() != null && !edge.label().isEmpty()) {
                attributes.add("label=" + dotText(edge.label()));
            }
            if (edge.dotted()) {
                attributes.add("style=dashed");
            }
            if (!attributes.isEmpty()) {
                out.append(" [").append(String.join(", ", attributes)).append(']');
            }
            out.append(";\n");
        }
        return out.append("}\n").toString();
    }

    private static String dotText(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
