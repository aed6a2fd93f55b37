package io.networktopology.policy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Whether the NetworkPolicies of a cluster let one connection through, with the full semantics of
 * {@code networking.k8s.io/v1}: a pod is isolated for a direction when a policy of its namespace selects it and has that
 * direction in its {@code policyTypes} (defaulted: Ingress always, Egress when the policy has egress rules); an isolated
 * pod admits what any selecting policy's rules admit (a union); a connection needs its source's egress and its
 * destination's ingress. Peers: {@code podSelector} (the policy's namespace), {@code namespaceSelector}, both (pods
 * matching in namespaces matching), {@code ipBlock} with {@code except}; ports by number, range ({@code endPort}) or
 * name (resolved on the destination pod's own container ports), with protocols. Pure: the cluster's objects are given.
 */
public final class PolicyEvaluator {

    /**
     * One end of a connection: a pod (namespace, labels, its namespace's labels, address, named ports) or, with a null
     * namespace, an address outside any pod (a node, a client outside the cluster).
     *
     * @param namedPorts the pod's container ports by name: name → {port, protocol}
     */
    public record Endpoint(String namespace, String name, Map<String, String> labels, Map<String, String> namespaceLabels, String ip,
            Map<String, NamedPort> namedPorts) {

        public static Endpoint pod(String namespace, String name, Map<String, String> labels, Map<String, String> namespaceLabels, String ip) {
            return new Endpoint(namespace, name, labels, namespaceLabels, ip, Map.of());
        }

        public static Endpoint address(String ip) {
            return new Endpoint(null, null, Map.of(), Map.of(), ip, Map.of());
        }

        public Endpoint withNamedPorts(Map<String, NamedPort> ports) {
            return new Endpoint(namespace, name, labels, namespaceLabels, ip, ports);
        }

        public boolean isPod() {
            return namespace != null;
        }

        String describe() {
            // A stand-in pod (its namespace in parentheses, no real one) by its description alone.
            return !isPod() ? "address " + ip : namespace.startsWith("(") ? name : "pod " + namespace + "/" + name;
        }
    }

    /** A container port by its name. */
    public record NamedPort(int port, String protocol) {
    }

    /** A connection to {@code port}/{@code protocol} of {@code to}. */
    public record Connection(Endpoint from, Endpoint to, int port, String protocol) {
    }

    /**
     * What the policies do to a connection.
     *
     * @param allowed   whether it gets through
     * @param ingress   the policies that isolate the destination for ingress (empty: not isolated)
     * @param egress    the policies that isolate the source for egress
     * @param reason    why it is blocked, in words (null when allowed)
     */
    public record Verdict(boolean allowed, List<String> ingress, List<String> egress, String reason) {
    }

    private PolicyEvaluator() {
    }

    public static Verdict evaluate(List<NetworkPolicy> policies, Connection connection) {
        String protocol = connection.protocol() == null ? "TCP" : connection.protocol();
        List<NetworkPolicy> egress = connection.from().isPod() ? isolating(policies, connection.from(), "Egress") : List.of();
        List<NetworkPolicy> ingress = connection.to().isPod() ? isolating(policies, connection.to(), "Ingress") : List.of();
        List<String> reasons = new ArrayList<>();
        if (!egress.isEmpty() && egress.stream().noneMatch(p -> admitsEgress(p, connection, protocol))) {
            reasons.add("egress of " + connection.from().describe() + " blocked by " + names(egress) + " (" + selects(egress)
                    + "; no egress rule admits " + connection.to().describe() + " port " + connection.port() + "/" + protocol + ")");
        }
        if (!ingress.isEmpty() && ingress.stream().noneMatch(p -> admitsIngress(p, connection, protocol))) {
            reasons.add("ingress of " + connection.to().describe() + " blocked by " + names(ingress) + " (" + selects(ingress)
                    + "; no ingress rule admits " + connection.from().describe() + " to port " + connection.port() + "/" + protocol + ")");
        }
        return new Verdict(reasons.isEmpty(), ingress.stream().map(PolicyEvaluator::name).toList(), egress.stream().map(PolicyEvaluator::name).toList(),
                reasons.isEmpty() ? null : String.join("; ", reasons));
    }

    /** The policies of the pod's namespace that select it and have {@code direction} among their (defaulted) types. */
    public static List<NetworkPolicy> isolating(List<NetworkPolicy> policies, Endpoint pod, String direction) {
        return policies.stream()
                .filter(p -> Objects.equals(p.getMetadata().getNamespace(), pod.namespace()))
                .filter(p -> p.getSpec() != null && matches(p.getSpec().getPodSelector(), pod.labels()))
                .filter(p -> policyTypes(p).contains(direction))
                .toList();
    }

    /** {@code spec.policyTypes}, or what the API server defaults it to: Ingress, and Egress when there are egress rules. */
    public static List<String> policyTypes(NetworkPolicy policy) {
        List<String> types = policy.getSpec().getPolicyTypes();
        if (types != null && !types.isEmpty()) {
            return types;
        }
        List<String> defaulted = new ArrayList<>(List.of("Ingress"));
        if (policy.getSpec().getEgress() != null && !policy.getSpec().getEgress().isEmpty()) {
            defaulted.add("Egress");
        }
        return defaulted;
    }

    private static boolean admitsIngress(NetworkPolicy policy, Connection connection, String protocol) {
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress() == null ? List.<NetworkPolicyIngressRule>of() : policy.getSpec().getIngress()) {
            if (peers(rule.getFrom(), policy, connection.from()) && ports(rule.getPorts(), connection.to(), connection.port(), protocol)) {
                return true;
            }
        }
        return false;
    }

    private static boolean admitsEgress(NetworkPolicy policy, Connection connection, String protocol) {
        for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress() == null ? List.<NetworkPolicyEgressRule>of() : policy.getSpec().getEgress()) {
            if (peers(rule.getTo(), policy, connection.to()) && ports(rule.getPorts(), connection.to(), connection.port(), protocol)) {
                return true;
            }
        }
        return false;
    }

    /** No peers: every peer. Otherwise any of them. */
    private static boolean peers(List<NetworkPolicyPeer> peers, NetworkPolicy policy, Endpoint other) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer peer : peers) {
            if (peer.getIpBlock() != null) {
                if (inBlock(peer.getIpBlock(), other.ip())) {
                    return true;
                }
                continue;
            }
            if (!other.isPod()) {
                continue; // pod and namespace selectors select pods only
            }
            boolean namespaceMatches = peer.getNamespaceSelector() == null
                    ? Objects.equals(other.namespace(), policy.getMetadata().getNamespace())
                    : matches(peer.getNamespaceSelector(), other.namespaceLabels());
            boolean podMatches = peer.getPodSelector() == null || matches(peer.getPodSelector(), other.labels());
            if (namespaceMatches && podMatches) {
                return true;
            }
        }
        return false;
    }

    /** No ports: every port. A named port is the destination pod's container port of that name (and protocol). */
    private static boolean ports(List<NetworkPolicyPort> ports, Endpoint destination, int port, String protocol) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort rule : ports) {
            String ruleProtocol = rule.getProtocol() == null ? "TCP" : rule.getProtocol();
            if (!ruleProtocol.equals(protocol)) {
                continue;
            }
            IntOrString wanted = rule.getPort();
            if (wanted == null) {
                return true;
            }
            if (wanted.getStrVal() != null) {
                NamedPort named = destination.namedPorts() == null ? null : destination.namedPorts().get(wanted.getStrVal());
                if (named != null && named.port() == port && (named.protocol() == null ? "TCP" : named.protocol()).equals(protocol)) {
                    return true;
                }
                continue;
            }
            int first = wanted.getIntVal();
            int last = rule.getEndPort() == null ? first : rule.getEndPort();
            if (port >= first && port <= last) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code ip} is in the block's CIDR and in none of its exceptions (an address of another family never is). */
    static boolean inBlock(IPBlock block, String ip) {
        if (ip == null || block.getCidr() == null || !inCidr(block.getCidr(), ip)) {
            return false;
        }
        return block.getExcept() == null || block.getExcept().stream().noneMatch(e -> inCidr(e, ip));
    }

    static boolean inCidr(String cidr, String ip) {
        try {
            String[] parts = cidr.split("/", 2);
            byte[] network = InetAddress.getByName(parts[0]).getAddress();
            byte[] address = InetAddress.getByName(ip).getAddress();
            if (network.length != address.length) {
                return false;
            }
            int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : network.length * 8;
            int shift = network.length * 8 - bits;
            BigInteger a = new BigInteger(1, address).shiftRight(shift);
            BigInteger n = new BigInteger(1, network).shiftRight(shift);
            return a.equals(n);
        } catch (UnknownHostException | NumberFormatException e) {
            return false;
        }
    }

    /** A label selector: every matchLabels pair and every expression must hold; an empty selector selects everything. */
    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        Map<String, String> own = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> pair : selector.getMatchLabels().entrySet()) {
                if (!Objects.equals(own.get(pair.getKey()), pair.getValue())) {
                    return false;
                }
            }
        }
        for (LabelSelectorRequirement requirement : selector.getMatchExpressions() == null ? List.<LabelSelectorRequirement>of()
                : selector.getMatchExpressions()) {
            String value = own.get(requirement.getKey());
            List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
            boolean holds = switch (requirement.getOperator()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> own.containsKey(requirement.getKey());
                case "DoesNotExist" -> !own.containsKey(requirement.getKey());
                default -> false;
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    /** A selector in words: {@code app=api}, or "every pod". */
    static String describe(LabelSelector selector) {
        if (selector == null || (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty())) {
            return "every pod";
        }
        List<String> parts = new ArrayList<>();
        if (selector.getMatchLabels() != null) {
            selector.getMatchLabels().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> parts.add(e.getKey() + "=" + e.getValue()));
        }
        if (selector.getMatchExpressions() != null) {
            selector.getMatchExpressions().forEach(r -> parts.add(r.getKey() + " " + r.getOperator()
                    + (r.getValues() == null || r.getValues().isEmpty() ? "" : " (" + String.join(", ", r.getValues()) + ")")));
        }
        return String.join(", ", parts);
    }

    private static String name(NetworkPolicy policy) {
        return "NetworkPolicy " + policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
    }

    private static String names(List<NetworkPolicy> policies) {
        return policies.stream().map(PolicyEvaluator::name).collect(Collectors.joining(", "));
    }

    private static String selects(List<NetworkPolicy> policies) {
        return policies.stream().map(p -> "selects " + describe(p.getSpec().getPodSelector())).distinct().collect(Collectors.joining(", "));
    }
}
