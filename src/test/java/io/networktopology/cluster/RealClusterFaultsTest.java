package io.networktopology.cluster;

import io.networktopology.api.v1alpha1.CheckStatus;
import io.networktopology.api.v1alpha1.ConnectivityStatus;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.Processes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Data-plane faults on the real cluster, each undone afterwards: the operator's status must name the checks that the
 * fault breaks (and only plausible ones), within one probe interval (30 s here) plus a run, with a failure threshold
 * of 1; and return to ConnectivityVerified=True by itself once the fault is gone. Prints a table of the figures.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(RealClusterExtension.class)
class RealClusterFaultsTest {

    static final Duration INTERVAL = Duration.ofSeconds(30);
    /**
     * The run under way when the fault comes (planned before it), one interval, and one run of probe pods (their JVMs
     * start, checks against what broke time out after 2 to 8 s): runs took up to 35 s under the lost-route fault.
     */
    static final Duration DETECT_WITHIN = INTERVAL.plusSeconds(90);
    static RealCluster cluster;
    static final List<String> TABLE = new ArrayList<>();

    @BeforeAll
    static void up(RealCluster realCluster) throws Exception {
        cluster = realCluster;
        cluster.installOperator();
        // The operator on node1, beside the API server (as on most clusters' control-plane nodes): a fault of the pod
        // network between the nodes must break the probes, not the operator's own way to the API server. (Seen when the
        // scheduler put it on node2: the lost route cut it off, and its status froze until the route came back.)
        cluster.kubectlOk("-n", RealCluster.OPERATOR_NAMESPACE, "patch", "deployment", "network-topology-operator", "--type=merge",
                "-p", "{\"spec\":{\"template\":{\"spec\":{\"nodeSelector\":{\"kubernetes.io/hostname\":\"node1\"}}}}}");
        cluster.kubectlOk("-n", RealCluster.OPERATOR_NAMESPACE, "rollout", "status", "deploy/network-topology-operator", "--timeout=180s");
        cluster.applyRealnet(INTERVAL.toSeconds() + "s");
        awaitVerified(Duration.ofMinutes(3));
    }

    @AfterAll
    static void down() {
        if (!TABLE.isEmpty()) {
            System.out.println("\n| fault | checks that failed | detected after | recovered after |\n|---|---|---|---|");
            TABLE.forEach(System.out::println);
        }
    }

    @Test
    @Order(1)
    void kubeProxyStoppedOnOneNodeFailsTheServicePathsFromThatNodeOnly() {
        fault("kube-proxy stopped and its rules flushed on node2",
                () -> {
                    ProcessHandle.of(cluster.pid("kube-proxy-node2")).ifPresent(ProcessHandle::destroy);
                    await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.of(cluster.pid("kube-proxy-node2")).map(p -> !p.isAlive())
                            .orElse(true));
                    ok(cluster.onNode(2, cluster.binary("kube-proxy").toString(), "--cleanup"));
                },
                () -> cluster.upAgain("node2"),
                List.of("svc-ip-web-80-from-node2", "svc-name-web-80-from-node2", "load-balancing-from-node2", "session-affinity-from-node2",
                        "nodeport-web-nodes-8080-node2"),
                List.of("pod-to-pod-node1-from-node2", "pod-to-pod-node2-from-node2", "svc-ip-web-80", "nodeport-web-nodes-8080-node1"));
        assertThat(lastVerdict.get()).as("the condition names the node").contains("every failing check goes from or to node2, the others pass");
    }

    @Test
    @Order(2)
    void aMasqueradeRuleOnOneNodeFailsTheNoNatCheckWhileTheServiceStillConnects() {
        List<String> rule = List.of("-t", "nat", "POSTROUTING", "-s", "10.244.1.0/24", "-d", "10.244.0.0/24", "-j", "MASQUERADE");
        fault("masquerade on node2 (pods → node1's pods)",
                () -> ok(cluster.onNode(2, iptables("-I", rule))),
                () -> ok(cluster.onNode(2, iptables("-D", rule))),
                List.of("pod-to-pod-node1-from-node2"),
                List.of("svc-ip-web-80-from-node2", "pod-to-pod-node2-from-node2", "pod-to-pod-node2", "pod-to-pod-node1"));
        assertThat(lastFailure.get()).contains("pod-to-pod-node1-from-node2").contains("10.99.0.2");
    }

    @Test
    @Order(3)
    void aNodeThatAnswersALocalNodePortWithoutALocalEndpointFailsThatCheckOnly() {
        // node2 has no endpoint of edge (externalTrafficPolicy: Local): a proxy that ignored the policy would answer there.
        List<String> rule = List.of("-t", "nat", "PREROUTING", "-p", "tcp", "--dport", "30082", "-j", "REDIRECT", "--to-ports", "10250");
        fault("node2 answers edge's Local NodePort (redirected to its kubelet)",
                () -> ok(cluster.onNode(2, iptables("-I", rule))),
                () -> ok(cluster.onNode(2, iptables("-D", rule))),
                List.of("nodeport-local-edge-8080-node2"),
                List.of("nodeport-local-edge-8080-node1-from-node2", "source-kept-node2", "node-to-node-node2"));
        assertThat(lastFailure.get()).contains("nodeport-local-edge-8080-node2: connected to").contains("but this path must be closed");
    }

    @Test
    @Order(4)
    void aSourceNatOnTheWayToALocalEndpointFailsTheSourceCheck() {
        // What externalTrafficPolicy: Cluster does, and Local promises not to: node1's address replaced on node2.
        List<String> rule = List.of("-t", "nat", "POSTROUTING", "-s", "10.99.0.1", "-d", "10.244.1.0/24", "-j", "MASQUERADE");
        fault("source NAT on node2 (node1's host → node2's pods)",
                () -> ok(cluster.onNode(2, iptables("-I", rule))),
                () -> ok(cluster.onNode(2, iptables("-D", rule))),
                List.of("source-kept-node2"),
                List.of("source-kept-node1-from-node2", "nodeport-local-edge-8080-node2", "node-to-node-node2", "pod-to-pod-node2"));
        assertThat(lastFailure.get()).contains("source-kept-node2").doesNotContain("source seen 10.99.0.1");
    }

    @Test
    @Order(5)
    void aLostRouteBetweenThePodSubnetsFailsTheCrossNodeChecks() {
        fault("route between the pod subnets lost (blackholed on both nodes)",
                () -> {
                    ok(cluster.onNode(1, "ip", "route", "replace", "blackhole", "10.244.1.0/24"));
                    ok(cluster.onNode(2, "ip", "route", "replace", "blackhole", "10.244.0.0/24"));
                },
                () -> {
                    ok(cluster.onNode(1, "ip", "route", "replace", "10.244.1.0/24", "via", "10.99.0.2"));
                    ok(cluster.onNode(2, "ip", "route", "replace", "10.244.0.0/24", "via", "10.99.0.1"));
                },
                List.of("pod-to-pod-node2", "pod-to-pod-node1-from-node2"),
                List.of("pod-to-pod-node1", "pod-to-pod-node2-from-node2"));
    }

    @Test
    @Order(6)
    void coreDnsScaledToZeroFailsTheDnsChecks() {
        fault("CoreDNS scaled to 0",
                () -> {
                    cluster.kubectlOk("-n", "kube-system", "scale", "deploy/coredns", "--replicas=0");
                    cluster.kubectlOk("-n", "kube-system", "wait", "--for=delete", "pod", "-l", "k8s-app=kube-dns", "--timeout=60s");
                },
                () -> {
                    cluster.kubectlOk("-n", "kube-system", "scale", "deploy/coredns", "--replicas=2");
                    cluster.kubectlOk("-n", "kube-system", "rollout", "status", "deploy/coredns", "--timeout=120s");
                },
                List.of("dns-a-web", "dns-alias-www.realnet.internal", "dns-host-legacy.realnet.internal-10.99.0.200", "svc-name-web-80"),
                List.of("svc-ip-web-80", "pod-to-pod-node1", "pod-to-pod-node2"));
    }

    @Test
    @Order(7)
    void aCorefileBrokenByHandIsLeftAloneAndSaidSo() {
        String original = corefile();
        String broken = original + "broken.example {\n";
        long t0 = System.nanoTime();
        cluster.kubectlOk("-n", "kube-system", "patch", "configmap", "coredns", "--type=merge",
                "-p", "{\"data\":{\"Corefile\":" + json(broken) + "}}");
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(RealCluster.condition(topology(), "DnsConfigured")).startsWith("False CorefileUnparseable"));
        double detect = seconds(t0);
        // The operator wrote nothing into it: the hand edit is exactly as it was.
        assertThat(corefile()).isEqualTo(broken);
        long t1 = System.nanoTime();
        cluster.kubectlOk("-n", "kube-system", "patch", "configmap", "coredns", "--type=merge",
                "-p", "{\"data\":{\"Corefile\":" + json(original) + "}}");
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(RealCluster.condition(topology(), "DnsConfigured")).isEqualTo("True"));
        TABLE.add(String.format("| Corefile made unparseable by hand | none: CoreDNS keeps its last good configuration; `DnsConfigured=False CorefileUnparseable`, the file untouched | %.0f s | %.0f s |",
                detect, seconds(t1)));
    }

    @Test
    @Order(8)
    void aBackendThatStopsAnsweringWhileReadyFailsTheEndpointsCheck() {
        String pod = webPodOn("node2");
        fault("a ready backend stops answering (httpd killed on node2's web pod)",
                () -> cluster.kubectlOk("-n", "realnet", "exec", pod, "--", "killall", "httpd"),
                () -> cluster.kubectlOk("-n", "realnet", "exec", pod, "--", "httpd", "-p", "8080", "-h", "/www"),
                List.of("svc-endpoints-web-80", "svc-endpoints-web-80-from-node2"),
                List.of("pod-to-pod-node1", "pod-to-pod-node2", "dns-a-web"));
        assertThat(lastFailure.get()).contains("1/2 endpoints answered");
    }

    @Test
    @Order(9)
    void aBackendMadeUnreadyLeavesTheEndpointsAndTheStatusSaysSo() {
        String pod = webPodOn("node2");
        long t0 = System.nanoTime();
        cluster.kubectlOk("-n", "realnet", "exec", pod, "--", "rm", "/tmp/ready");
        try {
            cluster.kubectlOk("-n", "realnet", "annotate", "ntopo", "realnet", "--overwrite", "networktopology.io/probe-now=unready");
            // Not a network fault: Kubernetes took the pod out of the Service. The status counts one ready endpoint, the
            // endpoints check asks that one only, and the topology stays verified.
            awaitWebEndpoints(1);
            assertThat(RealCluster.condition(topology(), "ConnectivityVerified")).isEqualTo("True");
        } finally {
            cluster.kubectlOk("-n", "realnet", "exec", pod, "--", "touch", "/tmp/ready");
        }
        double detect = seconds(t0);
        long t1 = System.nanoTime();
        cluster.kubectlOk("-n", "realnet", "annotate", "ntopo", "realnet", "--overwrite", "networktopology.io/probe-now=ready-again");
        awaitWebEndpoints(2);
        TABLE.add(String.format("| a backend made unready (node2's web pod) | none: `readyEndpoints` 2 → 1, `svc-endpoints-web-80` asks the one ready endpoint (probe-now) | %.0f s | %.0f s |",
                detect, seconds(t1)));
    }

    /** Until status counts this many ready endpoints of web, and the endpoints check asks exactly those. */
    static void awaitWebEndpoints(int ready) {
        await().atMost(DETECT_WITHIN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            NetworkTopology topology = topology();
            assertThat(topology.getStatus().getServices()).filteredOn(s -> "web".equals(s.getName()))
                    .extracting(io.networktopology.api.v1alpha1.ServiceStatus::getReadyEndpoints).containsExactly(ready);
            assertThat(checks(topology).get("svc-endpoints-web-80").getTo()).endsWith("(" + ready + ")");
        });
    }

    static String webPodOn(String node) {
        return cluster.client().pods().inNamespace("realnet").withLabel("app", "web").list().getItems().stream()
                .filter(p -> node.equals(p.getSpec().getNodeName())).findFirst().orElseThrow().getMetadata().getName();
    }

    static final AtomicReference<String> lastFailure = new AtomicReference<>();
    /** ConnectivityVerified as the fault left it: "False ConnectivityFailed: …". */
    static final AtomicReference<String> lastVerdict = new AtomicReference<>();

    /**
     * Injects a fault, waits until ConnectivityVerified is False with every check of {@code mustFail} failed and every
     * one of {@code mustPass} passed in the same run; undoes it and waits for ConnectivityVerified True.
     */
    static void fault(String name, ThrowingRunnable inject, ThrowingRunnable undo, List<String> mustFail, List<String> mustPass) {
        awaitVerified(Duration.ofMinutes(2));
        long t0 = System.nanoTime();
        boolean undone = false;
        try {
            inject.run();
            await().atMost(DETECT_WITHIN).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                NetworkTopology topology = topology();
                assertThat(RealCluster.condition(topology, "ConnectivityVerified")).startsWith("False ConnectivityFailed");
                Map<String, CheckStatus> checks = checks(topology);
                for (String id : mustFail) {
                    assertThat(checks.get(id)).as(id).isNotNull().extracting(CheckStatus::getResult).isEqualTo(CheckStatus.Result.Failed);
                }
                for (String id : mustPass) {
                    assertThat(checks.get(id)).as(id).isNotNull().extracting(CheckStatus::getResult).isEqualTo(CheckStatus.Result.Passed);
                }
            });
            double detect = seconds(t0);
            lastVerdict.set(RealCluster.condition(topology(), "ConnectivityVerified"));
            Map<String, CheckStatus> checks = checks(topology());
            List<String> failed = checks.values().stream().filter(c -> c.getResult() == CheckStatus.Result.Failed)
                    .map(CheckStatus::getId).sorted().toList();
            lastFailure.set(checks.values().stream().filter(c -> c.getResult() == CheckStatus.Result.Failed)
                    .map(c -> c.getId() + ": " + c.getMessage()).collect(Collectors.joining("\n")));
            System.out.println("== " + name + "\n" + lastFailure.get());
            long t1 = System.nanoTime();
            undo.run();
            undone = true;
            awaitVerified(DETECT_WITHIN.plus(INTERVAL));
            TABLE.add(String.format("| %s | %s | %.0f s | %.0f s |", name, String.join(", ", failed), detect, seconds(t1)));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            if (!undone) {
                try {
                    undo.run();
                } catch (Exception e) {
                    System.err.println("could not undo " + name + ": " + e);
                }
            }
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static void awaitVerified(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(RealCluster.condition(topology(), "ConnectivityVerified")).isEqualTo("True"));
    }

    static NetworkTopology topology() {
        return cluster.topology("realnet", "realnet");
    }

    static Map<String, CheckStatus> checks(NetworkTopology topology) {
        ConnectivityStatus connectivity = topology.getStatus().getConnectivity();
        return connectivity == null || connectivity.getChecks() == null ? Map.of()
                : connectivity.getChecks().stream().collect(Collectors.toMap(CheckStatus::getId, c -> c, (a, b) -> a));
    }

    static String[] iptables(String action, List<String> rule) {
        List<String> command = new ArrayList<>(List.of("iptables", rule.get(0), rule.get(1), action, rule.get(2)));
        command.addAll(rule.subList(3, rule.size()));
        return command.toArray(String[]::new);
    }

    static void ok(Processes.Result result) {
        assertThat(result.exitCode()).as(result.err()).isZero();
    }

    static String corefile() {
        return cluster.client().configMaps().inNamespace("kube-system").withName("coredns").get().getData().get("Corefile");
    }

    static String json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
