package io.networktopology.policy;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.networktopology.policy.PolicyEvaluator.Connection;
import io.networktopology.policy.PolicyEvaluator.Endpoint;
import io.networktopology.policy.PolicyEvaluator.NamedPort;
import io.networktopology.policy.PolicyEvaluator.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The NetworkPolicy semantics, case by case from the Kubernetes documentation's examples
 * (kubernetes.io/docs/concepts/services-networking/network-policies/): each row a policy set, a connection, and whether
 * it gets through.
 */
class PolicyEvaluatorTest {

    /** The documentation's test-network-policy, in namespace default. */
    static final String TEST_NETWORK_POLICY = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: test-network-policy, namespace: default}
            spec:
              podSelector: {matchLabels: {role: db}}
              policyTypes: [Ingress, Egress]
              ingress:
              - from:
                - ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}
                - namespaceSelector: {matchLabels: {project: myproject}}
                - podSelector: {matchLabels: {role: frontend}}
                ports: [{protocol: TCP, port: 6379}]
              egress:
              - to: [{ipBlock: {cidr: 10.0.0.0/24}}]
                ports: [{protocol: TCP, port: 5978}]
            """;
    static final String DEFAULT_DENY_INGRESS = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-ingress, namespace: default}
            spec: {podSelector: {}, policyTypes: [Ingress]}
            """;
    static final String ALLOW_ALL_INGRESS = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: allow-all-ingress, namespace: default}
            spec: {podSelector: {}, ingress: [{}], policyTypes: [Ingress]}
            """;
    static final String DEFAULT_DENY_EGRESS = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-egress, namespace: default}
            spec: {podSelector: {}, policyTypes: [Egress]}
            """;
    static final String DEFAULT_DENY_ALL = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny-all, namespace: default}
            spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
            """;
    static final String MULTI_PORT_EGRESS = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: multi-port-egress, namespace: default}
            spec:
              podSelector: {matchLabels: {role: db}}
              policyTypes: [Egress]
              egress:
              - to: [{ipBlock: {cidr: 10.0.0.0/24}}]
                ports: [{protocol: TCP, port: 32000, endPort: 32768}]
            """;
    /** One peer with both selectors: pods matching in namespaces matching (AND). */
    static final String AND_PEER = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: and-peer, namespace: default}
            spec:
              podSelector: {matchLabels: {role: db}}
              ingress:
              - from: [{namespaceSelector: {matchLabels: {user: alice}}, podSelector: {matchLabels: {role: client}}}]
            """;
    /** Two peers: any pod of the namespaces matching, or pods matching in the policy's namespace (OR). */
    static final String OR_PEERS = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: or-peers, namespace: default}
            spec:
              podSelector: {matchLabels: {role: db}}
              ingress:
              - from: [{namespaceSelector: {matchLabels: {user: alice}}}, {podSelector: {matchLabels: {role: client}}}]
            """;
    static final String NAMED_PORT = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: named-port, namespace: default}
            spec:
              podSelector: {matchLabels: {app: web}}
              ingress: [{ports: [{port: http}]}]
            """;
    /** Egress rules and no policyTypes: defaulted to Ingress and Egress (isolated both ways; no ingress rule). */
    static final String EGRESS_ONLY_RULES = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: egress-rules, namespace: default}
            spec:
              podSelector: {matchLabels: {app: web}}
              egress: [{to: [{podSelector: {}}]}]
            """;
    static final String EXPRESSIONS = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: expressions, namespace: default}
            spec:
              podSelector: {matchExpressions: [{key: tier, operator: In, values: [backend, data]}]}
              ingress:
              - from:
                - podSelector:
                    matchExpressions:
                    - {key: env, operator: NotIn, values: [dev]}
                    - {key: team, operator: Exists}
                    - {key: quarantined, operator: DoesNotExist}
            """;
    static final String IPV6_BLOCK = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: ipv6-block, namespace: default}
            spec:
              podSelector: {}
              ingress: [{from: [{ipBlock: {cidr: "fd00:10::/64", except: ["fd00:10::1/128"]}}]}]
            """;

    static final Map<String, String> DEFAULT_NS = Map.of("kubernetes.io/metadata.name", "default");

    static Endpoint pod(String namespace, String name, String... labels) {
        Map<String, String> namespaceLabels = switch (namespace) {
            case "default" -> DEFAULT_NS;
            case "myproject" -> Map.of("kubernetes.io/metadata.name", "myproject", "project", "myproject");
            case "alice" -> Map.of("kubernetes.io/metadata.name", "alice", "user", "alice");
            default -> Map.of("kubernetes.io/metadata.name", namespace);
        };
        java.util.LinkedHashMap<String, String> own = new java.util.LinkedHashMap<>();
        for (String label : labels) {
            String[] kv = label.split("=", 2);
            own.put(kv[0], kv[1]);
        }
        return Endpoint.pod(namespace, name, own, namespaceLabels, "10.244.0." + Math.abs(name.hashCode() % 250));
    }

    static final Endpoint DB = pod("default", "db", "role=db");
    static final Endpoint FRONTEND = pod("default", "frontend", "role=frontend");
    static final Endpoint WEB = pod("default", "web", "app=web").withNamedPorts(Map.of("http", new NamedPort(8080, "TCP")));

    static Arguments row(String what, List<String> policies, Endpoint from, Endpoint to, int port, String protocol, boolean allowed) {
        return Arguments.of(what, policies, new Connection(from, to, port, protocol), allowed);
    }

    static Stream<Arguments> table() {
        List<String> test = List.of(TEST_NETWORK_POLICY);
        return Stream.of(
                row("no policy: everything gets through", List.of(), FRONTEND, DB, 5432, "TCP", true),
                row("a frontend pod of the namespace to 6379", test, FRONTEND, DB, 6379, "TCP", true),
                row("a frontend pod to another port", test, FRONTEND, DB, 6380, "TCP", false),
                row("the right port over UDP", test, FRONTEND, DB, 6379, "UDP", false),
                row("any pod of a namespace labelled project=myproject", test, pod("myproject", "any", "x=y"), DB, 6379, "TCP", true),
                row("a frontend pod of another namespace: a podSelector alone is the policy's namespace", test,
                        pod("other", "frontend", "role=frontend"), DB, 6379, "TCP", false),
                row("an address in the ipBlock", test, Endpoint.address("172.17.0.5"), DB, 6379, "TCP", true),
                row("an address in the ipBlock's except", test, Endpoint.address("172.17.1.5"), DB, 6379, "TCP", false),
                row("db egress to 10.0.0.0/24 on 5978", test, DB, Endpoint.address("10.0.0.7"), 5978, "TCP", true),
                row("db egress on another port", test, DB, Endpoint.address("10.0.0.7"), 5979, "TCP", false),
                row("db egress elsewhere", test, DB, Endpoint.address("10.0.1.7"), 5978, "TCP", false),
                row("a pod the policy does not select is not isolated", test, FRONTEND, pod("default", "cache", "role=cache"), 11211, "TCP", true),
                row("default deny ingress", List.of(DEFAULT_DENY_INGRESS), pod("other", "client"), FRONTEND, 80, "TCP", false),
                row("default deny ingress leaves egress alone", List.of(DEFAULT_DENY_INGRESS), FRONTEND, pod("other", "server"), 80, "TCP", true),
                row("default deny ingress applies to its namespace only", List.of(DEFAULT_DENY_INGRESS), pod("other", "client"),
                        pod("other", "server"), 80, "TCP", true),
                row("allow all ingress beside default deny: the union admits", List.of(DEFAULT_DENY_INGRESS, ALLOW_ALL_INGRESS),
                        pod("other", "client"), FRONTEND, 80, "TCP", true),
                row("default deny egress", List.of(DEFAULT_DENY_EGRESS), FRONTEND, pod("other", "server"), 53, "UDP", false),
                row("default deny egress leaves ingress alone", List.of(DEFAULT_DENY_EGRESS), pod("other", "client"), FRONTEND, 80, "TCP", true),
                row("default deny all, within the namespace", List.of(DEFAULT_DENY_ALL), FRONTEND, DB, 5432, "TCP", false),
                row("endPort: the first port of the range", List.of(MULTI_PORT_EGRESS), DB, Endpoint.address("10.0.0.1"), 32000, "TCP", true),
                row("endPort: the last port of the range", List.of(MULTI_PORT_EGRESS), DB, Endpoint.address("10.0.0.1"), 32768, "TCP", true),
                row("endPort: one past the range", List.of(MULTI_PORT_EGRESS), DB, Endpoint.address("10.0.0.1"), 32769, "TCP", false),
                row("endPort: one before the range", List.of(MULTI_PORT_EGRESS), DB, Endpoint.address("10.0.0.1"), 31999, "TCP", false),
                row("AND: a client pod of alice's namespace", List.of(AND_PEER), pod("alice", "client", "role=client"), DB, 5432, "TCP", true),
                row("AND: another pod of alice's namespace", List.of(AND_PEER), pod("alice", "other", "role=other"), DB, 5432, "TCP", false),
                row("AND: a client pod of another namespace", List.of(AND_PEER), pod("bob", "client", "role=client"), DB, 5432, "TCP", false),
                row("OR: any pod of alice's namespace", List.of(OR_PEERS), pod("alice", "other", "role=other"), DB, 5432, "TCP", true),
                row("OR: a client pod of the policy's namespace", List.of(OR_PEERS), pod("default", "client", "role=client"), DB, 5432, "TCP", true),
                row("OR: a client pod of another namespace", List.of(OR_PEERS), pod("bob", "client", "role=client"), DB, 5432, "TCP", false),
                row("a named port resolved on the destination pod", List.of(NAMED_PORT), FRONTEND, WEB, 8080, "TCP", true),
                row("a named port: another port of the pod", List.of(NAMED_PORT), FRONTEND, WEB, 9090, "TCP", false),
                row("a named port the destination pod does not have", List.of(NAMED_PORT), FRONTEND, pod("default", "web2", "app=web"), 8080, "TCP",
                        false),
                row("egress rules without policyTypes isolate ingress too", List.of(EGRESS_ONLY_RULES), FRONTEND, WEB, 8080, "TCP", false),
                row("egress rules without policyTypes: egress to a pod of the namespace", List.of(EGRESS_ONLY_RULES), WEB, DB, 5432, "TCP", true),
                row("egress rules without policyTypes: egress elsewhere", List.of(EGRESS_ONLY_RULES), WEB, pod("other", "x"), 80, "TCP", false),
                row("expressions: every requirement holds", List.of(EXPRESSIONS), pod("default", "a", "env=prod", "team=shop"),
                        pod("default", "b", "tier=data"), 80, "TCP", true),
                row("expressions: NotIn fails", List.of(EXPRESSIONS), pod("default", "a", "env=dev", "team=shop"),
                        pod("default", "b", "tier=data"), 80, "TCP", false),
                row("expressions: Exists fails", List.of(EXPRESSIONS), pod("default", "a", "env=prod"), pod("default", "b", "tier=backend"), 80, "TCP",
                        false),
                row("expressions: DoesNotExist fails", List.of(EXPRESSIONS), pod("default", "a", "team=shop", "quarantined=yes"),
                        pod("default", "b", "tier=data"), 80, "TCP", false),
                row("expressions: a pod not In the tiers is not isolated", List.of(EXPRESSIONS), pod("default", "a"), pod("default", "b", "tier=web"),
                        80, "TCP", true),
                row("IPv6 ipBlock", List.of(IPV6_BLOCK), Endpoint.address("fd00:10::5"), FRONTEND, 80, "TCP", true),
                row("IPv6 ipBlock except", List.of(IPV6_BLOCK), Endpoint.address("fd00:10::1"), FRONTEND, 80, "TCP", false),
                row("an IPv4 address is in no IPv6 block", List.of(IPV6_BLOCK), Endpoint.address("10.0.0.1"), FRONTEND, 80, "TCP", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void theDocumentationsCases(String what, List<String> policies, Connection connection, boolean allowed) {
        Verdict verdict = PolicyEvaluator.evaluate(policies.stream().map(p -> Serialization.unmarshal(p, NetworkPolicy.class)).toList(), connection);
        assertThat(verdict.allowed()).as(what + ": " + verdict.reason()).isEqualTo(allowed);
        assertThat(verdict.reason() == null).isEqualTo(allowed);
    }

    @Test
    void aBlockNamesThePolicyWhatItSelectsAndWhatNoRuleAdmits() {
        NetworkPolicy deny = Serialization.unmarshal(DEFAULT_DENY_ALL, NetworkPolicy.class);
        Verdict verdict = PolicyEvaluator.evaluate(List.of(deny), new Connection(FRONTEND, DB, 5432, "TCP"));
        assertThat(verdict.reason()).isEqualTo("egress of pod default/frontend blocked by NetworkPolicy default/default-deny-all (selects every"
                + " pod; no egress rule admits pod default/db port 5432/TCP); ingress of pod default/db blocked by NetworkPolicy"
                + " default/default-deny-all (selects every pod; no ingress rule admits pod default/frontend to port 5432/TCP)");
        assertThat(verdict.ingress()).containsExactly("NetworkPolicy default/default-deny-all");
        assertThat(verdict.egress()).containsExactly("NetworkPolicy default/default-deny-all");
        NetworkPolicy test = Serialization.unmarshal(TEST_NETWORK_POLICY, NetworkPolicy.class);
        assertThat(PolicyEvaluator.evaluate(List.of(test), new Connection(FRONTEND, DB, 6380, "TCP")).reason()).isEqualTo("ingress of pod"
                + " default/db blocked by NetworkPolicy default/test-network-policy (selects role=db; no ingress rule admits pod default/frontend"
                + " to port 6380/TCP)");
        assertThat(Arrays.asList(PolicyEvaluator.policyTypes(Serialization.unmarshal(EGRESS_ONLY_RULES, NetworkPolicy.class)).toArray()))
                .containsExactly("Ingress", "Egress");
    }
}
