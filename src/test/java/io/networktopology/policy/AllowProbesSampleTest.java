package io.networktopology.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.networktopology.model.ChildLabels;
import io.networktopology.policy.PolicyEvaluator.Connection;
import io.networktopology.policy.PolicyEvaluator.Endpoint;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * config/samples/allow-probes.yaml, applied in a namespace with a default-deny policy: the probe pods (labelled as the
 * operator labels them) reach what they check, and the namespace's own pods stay denied.
 */
class AllowProbesSampleTest {

    static List<NetworkPolicy> sampleIn(String namespace) throws Exception {
        List<HasMetadata> objects = Serialization.unmarshal(Files.readString(Path.of("config/samples/allow-probes.yaml")));
        List<NetworkPolicy> policies = new ArrayList<>();
        for (HasMetadata object : objects) {
            NetworkPolicy policy = (NetworkPolicy) object;
            policy.getMetadata().setNamespace(namespace);
            policies.add(policy);
        }
        return policies;
    }

    static Endpoint probe(String role, String ip) {
        Map<String, String> labels = new LinkedHashMap<>(ChildLabels.forTopology("shop"));
        labels.put(ChildLabels.PROBE_RUN, "shop-hr4o-mxdsn4sn");
        labels.put(ChildLabels.PROBE_ROLE, role);
        return Endpoint.pod("shop", "shop-hr4o-mxdsn4sn-" + role, labels, Map.of("kubernetes.io/metadata.name", "shop"), ip);
    }

    @Test
    void theSampleAdmitsTheProbePathsAndNothingElse() throws Exception {
        List<NetworkPolicy> policies = new ArrayList<>(sampleIn("shop"));
        policies.add(Serialization.unmarshal("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: default-deny, namespace: shop}
                spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
                """, NetworkPolicy.class));
        Endpoint client = probe("client", "10.244.0.7");
        Endpoint echo = probe("echo", "10.244.1.7");
        Endpoint web = Endpoint.pod("shop", "web-1", Map.of("app", "web"), Map.of("kubernetes.io/metadata.name", "shop"), "10.244.1.9");
        Endpoint api = Endpoint.pod("shop", "api-1", Map.of("app", "api"), Map.of("kubernetes.io/metadata.name", "shop"), "10.244.0.9");
        Endpoint coredns = Endpoint.pod("kube-system", "coredns-1", Map.of("k8s-app", "kube-dns"),
                Map.of("kubernetes.io/metadata.name", "kube-system"), "10.244.0.2");

        assertThat(PolicyEvaluator.evaluate(policies, new Connection(client, echo, 8080, "TCP")).allowed()).as("pod to pod").isTrue();
        assertThat(PolicyEvaluator.evaluate(policies, new Connection(client, web, 8080, "TCP")).allowed()).as("to the topology's pods").isTrue();
        assertThat(PolicyEvaluator.evaluate(policies, new Connection(client, coredns, 53, "UDP")).allowed()).as("DNS").isTrue();
        PolicyEvaluator.Verdict yours = PolicyEvaluator.evaluate(policies, new Connection(api, web, 8080, "TCP"));
        assertThat(yours.allowed()).as("the namespace's own pods stay denied").isFalse();
        assertThat(yours.reason()).contains("egress of pod shop/api-1 blocked by NetworkPolicy shop/default-deny");
        assertThat(PolicyEvaluator.evaluate(policies, new Connection(api, echo, 8080, "TCP")).allowed()).as("nor do they reach the probes").isFalse();
        // Without the sample, the default deny blocks every probe path.
        List<NetworkPolicy> denyOnly = policies.subList(2, 3);
        assertThat(PolicyEvaluator.evaluate(denyOnly, new Connection(client, web, 8080, "TCP")).allowed()).isFalse();
    }
}
