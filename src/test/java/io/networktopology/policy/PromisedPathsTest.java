package io.networktopology.policy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.networktopology.api.v1alpha1.NetworkTopology;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A topology's promised paths held against NetworkPolicies: which policies select its pods, which paths they block,
 * and which probe checks go along a blocked path. The pods are shaped as the API server returns them.
 */
class PromisedPathsTest {

    static final NetworkTopology SHOP = Serialization.unmarshal("""
            apiVersion: networktopology.io/v1alpha1
            kind: NetworkTopology
            metadata: {name: shop, namespace: shop}
            spec:
              services:
              - name: web
                selector: {app: web}
                ports: [{name: http, port: 80, targetPort: http}]
              - name: db
                selector: {app: db}
                ports: [{port: 5432, targetPort: 5432}]
              - name: upstream
                type: ExternalName
                externalName: example.org
            """, NetworkTopology.class);

    static Pod pod(String namespace, String name, String labels, String ip, String ports) {
        return Serialization.unmarshal("""
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: %s, labels: %s}
                spec: {containers: [{name: main, image: busybox, ports: %s}]}
                status: {podIP: %s}
                """.formatted(name, namespace, labels, ports, ip), Pod.class);
    }

    static NetworkPolicy policy(String yaml) {
        return Serialization.unmarshal("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n" + yaml, NetworkPolicy.class);
    }

    static final List<Pod> PODS = List.of(
            pod("shop", "web-1", "{app: web}", "10.244.1.9", "[{name: http, containerPort: 8080}]"),
            pod("shop", "web-2", "{app: web}", "10.244.0.9", "[{name: http, containerPort: 8080}]"),
            pod("shop", "db-1", "{app: db, tier: data}", "10.244.0.10", "[]"),
            pod("shop", "other", "{app: other}", "10.244.0.11", "[]"));
    static final List<Pod> COREDNS = List.of(pod("kube-system", "coredns-a", "{k8s-app: kube-dns}", "10.244.0.2",
            "[{name: dns, containerPort: 53, protocol: UDP}]"));

    static PromisedPaths.Report evaluate(List<NetworkPolicy> policies) {
        return PromisedPaths.evaluate(SHOP, new PromisedPaths.Cluster(policies, PODS, COREDNS, Map.of(), 8080));
    }

    @Test
    void withoutPoliciesNothingSelectsAndEveryPathIsOpen() {
        PromisedPaths.Report report = evaluate(List.of());
        assertThat(report.selecting()).isEmpty();
        assertThat(report.blocked()).isEmpty();
        assertThat(report.paths()).extracting(PromisedPaths.Path::name).containsExactly(
                "web:80 from the probe pods", "web:80 from pods of other namespaces", "db:5432 from the probe pods",
                "db:5432 from pods of other namespaces", "pod to pod (the probe pods)", "DNS from the probe pods", "DNS from the topology's pods");
        assertThat(report.evaluates("svc-ip-web-80")).isTrue();
        assertThat(report.evaluates("dns-a-web@coredns-a")).isTrue();
        assertThat(report.evaluates("httproute-shop-http-shop.example/")).as("external paths: not evaluated here").isFalse();
    }

    @Test
    void aDefaultDenyBlocksEveryPathIntoTheNamespaceAndNamesItselfOnTheirChecks() {
        PromisedPaths.Report report = evaluate(List.of(policy("metadata: {name: default-deny, namespace: shop}\nspec: {podSelector: {}}")));
        assertThat(report.selecting()).containsExactly("shop/default-deny");
        assertThat(report.blocked()).extracting(PromisedPaths.Path::name).containsExactly(
                "web:80 from the probe pods", "web:80 from pods of other namespaces", "db:5432 from the probe pods",
                "db:5432 from pods of other namespaces", "pod to pod (the probe pods)");
        assertThat(report.blockOf("svc-ip-web-80")).isEqualTo("ingress of pod shop/web-1 blocked by NetworkPolicy shop/default-deny"
                + " (selects every pod; no ingress rule admits pod shop/<probe client> to port 8080/TCP)");
        assertThat(report.blockOf("svc-endpoints-web-80-from-node2")).isNotNull();
        assertThat(report.blockOf("pod-to-pod-node1")).contains("shop/default-deny");
        assertThat(report.blockOf("load-balancing")).contains("shop/default-deny");
        // Ingress only: the probe pods' way out, to CoreDNS in kube-system, stays open.
        assertThat(report.blockOf("dns-a-web@coredns-a")).isNull();
        assertThat(report.blockOf("svc-ip-web-8080")).as("another check's id").isNull();
    }

    @Test
    void aPolicyThatAdmitsTheProbesByANamedPortAdmitsExactlyThePodsWhoseContainerPortHasThatName() {
        List<NetworkPolicy> policies = new ArrayList<>(List.of(
                policy("metadata: {name: default-deny, namespace: shop}\nspec: {podSelector: {}}"),
                policy("""
                        metadata: {name: probes-to-http, namespace: shop}
                        spec:
                          podSelector: {}
                          ingress:
                          - from: [{podSelector: {matchExpressions: [{key: networktopology.io/probe-run, operator: Exists}]}}]
                            ports: [{port: http}]
                        """)));
        PromisedPaths.Report report = evaluate(policies);
        // web's target port is its pods' "http" (8080): admitted. db listens on 5432 with no port named http: still blocked.
        assertThat(report.blockOf("svc-ip-web-80")).isNull();
        assertThat(report.blockOf("svc-ip-db-5432")).contains("ingress of pod shop/db-1 blocked by NetworkPolicy shop/default-deny, "
                + "NetworkPolicy shop/probes-to-http");
        // The echo pods have no container port named http either (the operator's echo port is unnamed).
        assertThat(report.blockOf("pod-to-pod-node1")).isNotNull();
        assertThat(report.blocked()).extracting(PromisedPaths.Path::name).contains("web:80 from pods of other namespaces");
        assertThat(report.selecting()).containsExactly("shop/default-deny", "shop/probes-to-http");
    }

    @Test
    void aPolicyOnCoreDnsOrAnEgressDenyBlocksDnsAndSaysWhere() {
        PromisedPaths.Report coreDns = evaluate(List.of(policy("""
                metadata: {name: dns-from-kube-system-only, namespace: kube-system}
                spec:
                  podSelector: {matchLabels: {k8s-app: kube-dns}}
                  ingress: [{from: [{podSelector: {}}]}]
                """)));
        assertThat(coreDns.selecting()).containsExactly("kube-system/dns-from-kube-system-only");
        assertThat(coreDns.blockOf("dns-srv-web-http@coredns-a")).isEqualTo("ingress of pod kube-system/coredns-a blocked by NetworkPolicy"
                + " kube-system/dns-from-kube-system-only (selects k8s-app=kube-dns; no ingress rule admits pod shop/<probe client> to port 53/UDP)");
        assertThat(coreDns.blocked()).extracting(PromisedPaths.Path::name).containsExactly("DNS from the probe pods", "DNS from the topology's pods");

        PromisedPaths.Report egress = evaluate(List.of(policy("""
                metadata: {name: no-egress, namespace: shop}
                spec: {podSelector: {matchLabels: {tier: data}}, policyTypes: [Egress]}
                """)));
        // Only db's pods lose their way out: DNS from the topology's pods is blocked (for db), the probes' paths are not.
        assertThat(egress.blocked()).extracting(PromisedPaths.Path::name).containsExactly("DNS from the topology's pods");
        assertThat(egress.blocked().get(0).blocked().reason()).startsWith("egress of pod shop/db-1 blocked by NetworkPolicy shop/no-egress");
    }

    @Test
    void aBlockedUdpPortIsNotBlamedForTheTcpCheckOfTheSamePortAndPodsThatAreNoEndpointsAreLeftOut() {
        NetworkTopology resolver = Serialization.unmarshal("""
                apiVersion: networktopology.io/v1alpha1
                kind: NetworkTopology
                metadata: {name: resolver, namespace: shop}
                spec:
                  services:
                  - name: resolver
                    selector: {app: resolver}
                    ports: [{name: dns-tcp, port: 53, protocol: TCP}, {name: dns, port: 53, protocol: UDP}]
                """, NetworkTopology.class);
        List<Pod> pods = List.of(pod("shop", "resolver-1", "{app: resolver}", "10.244.0.20", "[]"),
                Serialization.unmarshal("""
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: resolver-old, namespace: shop, labels: {app: resolver, old: "yes"}}
                        spec: {containers: [{name: main, image: busybox}]}
                        status: {phase: Succeeded, podIP: 10.244.0.21}
                        """, Pod.class));
        List<NetworkPolicy> tcpOnly = List.of(policy("""
                metadata: {name: tcp-only, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: resolver}}
                  ingress: [{ports: [{port: 53, protocol: TCP}]}]
                """), policy("""
                metadata: {name: deny-old, namespace: shop}
                spec: {podSelector: {matchLabels: {old: "yes"}}}
                """));
        PromisedPaths.Report report = PromisedPaths.evaluate(resolver, new PromisedPaths.Cluster(tcpOnly, pods, COREDNS, Map.of(), 8080));
        assertThat(report.blocked()).extracting(PromisedPaths.Path::name).containsExactly("resolver:53/UDP from the probe pods",
                "resolver:53/UDP from pods of other namespaces");
        assertThat(report.blockOf("svc-ip-resolver-53")).as("the TCP check of port 53 goes along the open TCP path").isNull();
        // The completed pod is no endpoint: its policy selects nothing the paths involve.
        assertThat(report.selecting()).containsExactly("shop/tcp-only");
    }

    @Test
    void aNamedTargetPortIsResolvedOnEachPodAndAPodWithoutItGetsNothing() {
        var port = SHOP.getSpec().getServices().get(0).getPorts().get(0);
        assertThat(PromisedPaths.targetPort(port, PODS.get(0))).isEqualTo(8080);
        assertThat(PromisedPaths.targetPort(port, PODS.get(3))).isNull();
        var numbered = SHOP.getSpec().getServices().get(1).getPorts().get(0);
        assertThat(PromisedPaths.targetPort(numbered, PODS.get(3))).isEqualTo(5432);
    }
}
