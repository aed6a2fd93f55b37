package io.networktopology.policy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.ServicePortSpec;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.model.ChildLabels;
import io.networktopology.model.ServiceModel;
import io.networktopology.policy.PolicyEvaluator.Connection;
import io.networktopology.policy.PolicyEvaluator.Endpoint;
import io.networktopology.policy.PolicyEvaluator.NamedPort;
import io.networktopology.policy.PolicyEvaluator.Verdict;
import io.networktopology.probe.ProbePlan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The paths a topology promises, as connections between real pods, held against the NetworkPolicies: each Service's
 * pods reached from the probe pods (what the pod-to-Service checks go along) and from pods of other namespaces (one
 * with no labels but its namespace's name: a rule that admits only chosen namespaces or pods blocks it); the
 * probe pods' pod-to-pod path; DNS from the probe pods and from the topology's pods to CoreDNS. A Service's target port
 * is resolved on each of its pods (a named one by that pod's container ports), as kube-proxy does. The result says which
 * policies select the pods involved, which paths they block and why, and, for a probe check's id, the block on its path.
 * The probe pods' addresses are not known in advance: an {@code ipBlock} never admits them here (Calico and Cilium apply
 * such rules to pods; most policies select pods by labels). Pure: the cluster's objects are given.
 */
public final class PromisedPaths {

    /** A label no real namespace has: the "pod of another namespace" of the paths from other namespaces. */
    static final String OTHER_NAMESPACE = "(another namespace)";

    /**
     * What the cluster has that the paths involve.
     *
     * @param policies        the NetworkPolicies of the topology's namespace and of CoreDNS's
     * @param pods            the pods of the topology's namespace (its Services' and the probe pods)
     * @param dnsPods         CoreDNS's pods
     * @param namespaceLabels labels per namespace (without them only {@code kubernetes.io/metadata.name} is assumed)
     * @param echoPort        the probe echo pods' port
     */
    public record Cluster(List<NetworkPolicy> policies, List<Pod> pods, List<Pod> dnsPods, Map<String, Map<String, String>> namespaceLabels,
            int echoPort) {
    }

    /**
     * One promised path and what the policies do to it.
     *
     * @param name     e.g. {@code web:80 from the probe pods}
     * @param checks   the ids of the probe checks that go along it (a check id also matches with a {@code -from-<node>} or
     *                 {@code @<CoreDNS pod>} suffix), or, ending in {@code -}, a prefix of them
     * @param blocked  the first connection of the path the policies block, or null when they allow every one
     */
    public record Path(String name, List<String> checks, Verdict blocked) {

        boolean covers(String checkId) {
            return checks.stream().anyMatch(c -> c.endsWith("-") ? checkId.startsWith(c)
                    : checkId.equals(c) || checkId.startsWith(c + "-from-") || checkId.startsWith(c + "@"));
        }
    }

    /**
     * @param selecting the policies that select (isolate) a pod of the paths, {@code namespace/name}
     * @param paths     every promised path the policies were held against
     */
    public record Report(List<String> selecting, List<Path> paths) {

        public List<Path> blocked() {
            return paths.stream().filter(p -> p.blocked() != null).toList();
        }

        /** Why the policies block the path of a probe check, or null when they do not (or it is no path evaluated here). */
        public String blockOf(String checkId) {
            return paths.stream().filter(p -> p.blocked() != null && p.covers(checkId)).map(p -> p.blocked().reason()).findFirst().orElse(null);
        }

        /** Whether a probe check goes along a path evaluated here (then a check that fails while allowed is the network's). */
        public boolean evaluates(String checkId) {
            return paths.stream().anyMatch(p -> p.covers(checkId));
        }
    }

    private PromisedPaths() {
    }

    public static Report evaluate(NetworkTopology topology, Cluster cluster) {
        String namespace = ServiceModel.namespaceOf(topology);
        Map<String, String> ownNamespace = labelsOf(cluster, namespace);
        Endpoint client = probe(topology, namespace, ownNamespace, "client");
        Endpoint echo = probe(topology, namespace, ownNamespace, "echo");
        // Every namespace carries its name as a label: a rule "from all namespaces" by that label admits this one too.
        Endpoint stranger = Endpoint.pod(OTHER_NAMESPACE, "a pod of another namespace", Map.of(), Map.of("kubernetes.io/metadata.name", OTHER_NAMESPACE), null);
        List<Path> paths = new ArrayList<>();
        Set<Endpoint> involved = new LinkedHashSet<>(List.of(client, echo));
        List<Endpoint> topologyPods = new ArrayList<>();
        for (ServiceSpec service : topology.getSpec() == null || topology.getSpec().getServices() == null ? List.<ServiceSpec>of()
                : topology.getSpec().getServices()) {
            if (service.effectiveType() == ServiceType.ExternalName || service.getSelector() == null || service.getSelector().isEmpty()) {
                continue;
            }
            List<Pod> backends = cluster.pods().stream().filter(p -> Objects.equals(p.getMetadata().getNamespace(), namespace))
                    .filter(PromisedPaths::endpointCandidate)
                    .filter(p -> PolicyEvaluator.matches(new io.fabric8.kubernetes.api.model.LabelSelector(null, service.getSelector()),
                            labels(p)))
                    .toList();
            for (ServicePortSpec port : service.getPorts() == null ? List.<ServicePortSpec>of() : service.getPorts()) {
                String protocol = ServiceModel.effectiveProtocol(port).name();
                String suffix = service.getName() + "-" + port.getPort();
                List<Connection> fromProbes = new ArrayList<>();
                List<Connection> fromElsewhere = new ArrayList<>();
                for (Pod pod : backends) {
                    Endpoint backend = endpoint(pod, labelsOf(cluster, namespace));
                    involved.add(backend);
                    if (!topologyPods.contains(backend)) {
                        topologyPods.add(backend);
                    }
                    Integer target = targetPort(port, pod);
                    if (target == null) {
                        continue; // a named target port this pod lacks: kube-proxy sends it nothing
                    }
                    fromProbes.add(new Connection(client, backend, target, protocol));
                    fromElsewhere.add(new Connection(stranger, backend, target, protocol));
                }
                if (fromProbes.isEmpty()) {
                    continue; // no pod to reach (none ready, or none with the named port): nothing a policy could block
                }
                String what = service.getName() + ":" + port.getPort() + (protocol.equals("TCP") ? "" : "/" + protocol);
                // The probes check TCP ports only: a UDP port's path has no check to explain.
                paths.add(new Path(what + " from the probe pods", protocol.equals("TCP")
                        ? List.of("svc-ip-" + suffix, "svc-name-" + suffix, "svc-endpoints-" + suffix) : List.of(),
                        firstBlock(cluster.policies(), fromProbes)));
                paths.add(new Path(what + " from pods of other namespaces", List.of(), firstBlock(cluster.policies(), fromElsewhere)));
            }
        }
        paths.add(new Path("pod to pod (the probe pods)", List.of("pod-to-pod-", ProbePlan.LOAD_BALANCING, ProbePlan.SESSION_AFFINITY),
                firstBlock(cluster.policies(), List.of(new Connection(client, echo, cluster.echoPort(), "TCP")))));
        List<Connection> dnsFromProbes = new ArrayList<>();
        List<Connection> dnsFromPods = new ArrayList<>();
        for (Pod pod : cluster.dnsPods().stream().filter(PromisedPaths::endpointCandidate).toList()) {
            Endpoint dns = endpoint(pod, labelsOf(cluster, pod.getMetadata().getNamespace()));
            involved.add(dns);
            // The cluster DNS Service's target: the pod's UDP port named dns (kubeadm's CoreDNS: 53; others 5353, 1053).
            NamedPort named = dns.namedPorts().get("dns");
            int port = named != null && "UDP".equals(named.protocol()) ? named.port() : 53;
            dnsFromProbes.add(new Connection(client, dns, port, "UDP"));
            topologyPods.forEach(p -> dnsFromPods.add(new Connection(p, dns, port, "UDP")));
        }
        if (!dnsFromProbes.isEmpty()) {
            paths.add(new Path("DNS from the probe pods", List.of("dns-"), firstBlock(cluster.policies(), dnsFromProbes)));
        }
        if (!dnsFromPods.isEmpty()) {
            paths.add(new Path("DNS from the topology's pods", List.of(), firstBlock(cluster.policies(), dnsFromPods)));
        }
        Set<String> selecting = new LinkedHashSet<>();
        for (Endpoint pod : involved) {
            for (String direction : List.of("Ingress", "Egress")) {
                PolicyEvaluator.isolating(cluster.policies(), pod, direction)
                        .forEach(p -> selecting.add(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()));
            }
        }
        return new Report(List.copyOf(selecting), paths);
    }

    /**
     * A pod a Service sends to: running, with an address, on the pod network (NetworkPolicies do not apply to
     * hostNetwork pods), not being deleted.
     */
    private static boolean endpointCandidate(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getPodIP() != null && !"Succeeded".equals(pod.getStatus().getPhase())
                && !"Failed".equals(pod.getStatus().getPhase()) && pod.getMetadata().getDeletionTimestamp() == null
                && (pod.getSpec() == null || !Boolean.TRUE.equals(pod.getSpec().getHostNetwork()));
    }

    private static Verdict firstBlock(List<NetworkPolicy> policies, List<Connection> connections) {
        for (Connection connection : connections) {
            Verdict verdict = PolicyEvaluator.evaluate(policies, connection);
            if (!verdict.allowed()) {
                return verdict;
            }
        }
        return null;
    }

    /** A probe pod of the topology as the operator labels it (any run: the run id is a label value no policy names). */
    private static Endpoint probe(NetworkTopology topology, String namespace, Map<String, String> namespaceLabels, String role) {
        Map<String, String> labels = new LinkedHashMap<>(ChildLabels.forTopology(topology.getMetadata().getName()));
        labels.put(ChildLabels.PROBE_RUN, "run");
        labels.put(ChildLabels.PROBE_ROLE, role);
        return Endpoint.pod(namespace, "<probe " + role + ">", labels, namespaceLabels, null);
    }

    private static Endpoint endpoint(Pod pod, Map<String, String> namespaceLabels) {
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        return Endpoint.pod(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), labels(pod), namespaceLabels, ip)
                .withNamedPorts(namedPorts(pod));
    }

    /** The pod's container ports by name (names are unique within a pod). */
    private static Map<String, NamedPort> namedPorts(Pod pod) {
        Map<String, NamedPort> named = new LinkedHashMap<>();
        for (Container container : pod.getSpec() == null || pod.getSpec().getContainers() == null ? List.<Container>of() : pod.getSpec().getContainers()) {
            for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
                if (port.getName() != null && port.getContainerPort() != null) {
                    named.putIfAbsent(port.getName(), new NamedPort(port.getContainerPort(), port.getProtocol() == null ? "TCP" : port.getProtocol()));
                }
            }
        }
        return named;
    }

    /** The Service port's target on this pod: a number, or the pod's container port of that name (null: none). */
    static Integer targetPort(ServicePortSpec port, Pod pod) {
        IntOrString target = port.getTargetPort();
        if (target == null) {
            return port.getPort();
        }
        if (target.getStrVal() == null) {
            return target.getIntVal();
        }
        NamedPort named = namedPorts(pod).get(target.getStrVal());
        return named != null && ServiceModel.effectiveProtocol(port).name().equals(named.protocol()) ? named.port() : null;
    }

    private static Map<String, String> labels(Pod pod) {
        return pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    }

    private static Map<String, String> labelsOf(Cluster cluster, String namespace) {
        Map<String, String> labels = cluster.namespaceLabels() == null ? null : cluster.namespaceLabels().get(namespace);
        return labels != null ? labels : Map.of("kubernetes.io/metadata.name", namespace);
    }
}
