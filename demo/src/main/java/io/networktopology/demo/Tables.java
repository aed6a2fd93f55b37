package io.networktopology.demo;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.networktopology.model.EntryPoints;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.model.TrafficPath;
import io.networktopology.status.ConditionList;
import io.networktopology.status.Conditions;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Prints objects the way {@code kubectl get} does, for the demo. */
final class Tables {

    private Tables() {
    }

    public static String services(List<Service> services, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"});
        for (Service s : services) {
            var spec = s.getSpec();
            String type = spec.getType();
            String clusterIp = "ExternalName".equals(type) ? "<none>" : (spec.getClusterIP() == null ? "<pending>" : spec.getClusterIP());
            String external;
            if ("ExternalName".equals(type)) {
                external = spec.getExternalName();
            } else if ("LoadBalancer".equals(type)) {
                List<String> lb = TrafficPath.loadBalancerAddresses(s);
                external = lb.isEmpty() ? "<pending>" : String.join(",", lb);
            } else {
                external = "<none>";
            }
            String ports = spec.getPorts() == null || spec.getPorts().isEmpty() ? "<none>"
                    : spec.getPorts().stream().map(Tables::port).collect(Collectors.joining(","));
            rows.add(new String[] {s.getMetadata().getName(), type, clusterIp, external, ports,
                    age(s.getMetadata().getCreationTimestamp(), now)});
        }
        return format(rows);
    }

    public static String ingresses(List<Ingress> ingresses, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"});
        for (Ingress i : ingresses) {
            var spec = i.getSpec();
            List<String> hosts = spec.getRules() == null ? List.of() : spec.getRules().stream()
                    .map(r -> r.getHost() == null ? "*" : r.getHost()).distinct().toList();
            List<String> addresses = EntryPoints.ingressAddresses(i);
            boolean tls = spec.getTls() != null && !spec.getTls().isEmpty();
            rows.add(new String[] {i.getMetadata().getName(), spec.getIngressClassName() == null ? "<none>" : spec.getIngressClassName(),
                    hosts.isEmpty() ? "*" : String.join(",", hosts), String.join(",", addresses),
                    tls ? "80, 443" : "80", age(i.getMetadata().getCreationTimestamp(), now)});
        }
        return format(rows);
    }

    public static String topologies(List<NetworkTopology> topologies, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "SERVICES", "INGRESSES", "CONNECTIVITY", "READY", "REASON", "AGE"});
        for (NetworkTopology t : topologies) {
            Condition ready = t.getStatus() == null ? null : ConditionList.find(t.getStatus().getConditions(), Conditions.READY);
            rows.add(new String[] {t.getMetadata().getName(),
                    t.getStatus() == null || t.getStatus().getServicesReady() == null ? "" : t.getStatus().getServicesReady(),
                    t.getStatus() == null || t.getStatus().getIngressesReady() == null ? "" : t.getStatus().getIngressesReady(),
                    t.getStatus() == null || t.getStatus().getConnectivity() == null ? "" : t.getStatus().getConnectivity().getSummary(),
                    ready == null ? "" : ready.getStatus(), ready == null ? "" : ready.getReason(),
                    age(t.getMetadata().getCreationTimestamp(), now)});
        }
        return format(rows);
    }

    /** Probe pods with their role, run and where they are pinned: {@code kubectl get pods -L ...}. */
    public static String probePods(List<io.fabric8.kubernetes.api.model.Pod> pods, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "STATUS", "ROLE", "NODE", "AGE"});
        for (var pod : pods) {
            String node = java.util.Objects.requireNonNullElse(io.networktopology.probe.ProbePods.pinnedNode(pod), "");
            rows.add(new String[] {pod.getMetadata().getName(),
                    pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending" : pod.getStatus().getPhase(),
                    pod.getMetadata().getLabels().getOrDefault(io.networktopology.model.ChildLabels.PROBE_ROLE, ""),
                    node.isEmpty() ? "<any>" : node, age(pod.getMetadata().getCreationTimestamp(), now)});
        }
        return format(rows);
    }

    private static String port(ServicePort p) {
        return p.getPort() + (p.getNodePort() != null ? ":" + p.getNodePort() : "") + "/" + (p.getProtocol() == null ? "TCP" : p.getProtocol());
    }

    static String age(String timestamp, Instant now) {
        if (timestamp == null) {
            return "<unknown>";
        }
        long seconds = Math.max(0, Duration.between(Instant.parse(timestamp), now).getSeconds());
        if (seconds < 120) {
            return seconds + "s";
        }
        if (seconds < 7200) {
            return (seconds / 60) + "m";
        }
        return (seconds / 3600) + "h";
    }

    private static String format(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 3));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
