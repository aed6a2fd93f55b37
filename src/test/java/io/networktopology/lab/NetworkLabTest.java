package io.networktopology.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.networktopology.Processes;
import io.networktopology.probe.ProbeCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.networktopology.lab.NetworkLab.CLUSTER_DNS;
import static io.networktopology.lab.NetworkLab.CLUSTER_IP;
import static io.networktopology.lab.NetworkLab.EMPTY_DNS;
import static io.networktopology.lab.NetworkLab.HOST_ECHO_PORT;
import static io.networktopology.lab.NetworkLab.NODE_2;
import static io.networktopology.lab.NetworkLab.NODE_PORT;
import static io.networktopology.lab.NetworkLab.POD_A;
import static io.networktopology.lab.NetworkLab.POD_B;
import static io.networktopology.lab.NetworkLab.SERVICE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe program (the real entry point, in its own JVM, as a probe pod runs it) inside {@link NetworkLab}: each
 * path check passes in the healthy network for the right reason, and fails when the lab breaks that path — a
 * masquerade rule for no-NAT, a dropped route for pod-to-pod, a DNS server without the records for DNS.
 */
class NetworkLabTest {

    static NetworkLab lab;

    @BeforeAll
    static void buildLab() throws Exception {
        String why = NetworkLab.unavailableBecause();
        Assumptions.assumeTrue(why == null, () -> "network lab skipped: " + why);
        lab = NetworkLab.start();
        // pod-b: an echo server (a backend pod). pod-a: a second "container" listening on the pod's localhost.
        // node-2: a hostNetwork echo pod.
        lab.background("pod-b", Map.of("POD_NAME", "pod-b"), NetworkLab.java("echo", "--port", "8080"));
        lab.background("pod-a", Map.of("POD_NAME", "pod-a-sidecar"), NetworkLab.java("echo", "--port", "8081"));
        lab.background("node-2", Map.of("POD_NAME", "node-2"), NetworkLab.java("echo", "--port", String.valueOf(HOST_ECHO_PORT)));
        awaitListening("pod-b", 8080);
        awaitListening("pod-a", 8081);
        awaitListening("node-2", HOST_ECHO_PORT);
    }

    @AfterAll
    static void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    static void awaitListening(String role, int port) throws InterruptedException {
        for (int i = 0; i < 150; i++) {
            Processes.Result ss = lab.run(role, Map.of(), Duration.ofSeconds(10), List.of(NetworkLab.tool("ss"), "-Htln", "sport = :" + port));
            if (ss.exitCode() == 0 && !ss.out().isBlank()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nothing listens on port " + port + " in " + role);
    }

    /** Runs the probe program in a namespace with these checks; returns each check's result by id. */
    static Map<String, JsonNode> probe(String role, Map<String, String> env, List<ProbeCheck> checks) throws Exception {
        NetworkLab.ProbeRun result = lab.probe(role, env, checks);
        assertThat(result.report()).as("the report in: " + result.output()).isNotNull();
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (JsonNode check : new ObjectMapper().readTree(result.report()).get("checks")) {
            byId.put(check.get("id").asText(), check);
        }
        assertThat(result.exitCode()).as("exit code (0: all passed, 1: some failed)")
                .isEqualTo(byId.values().stream().allMatch(c -> "P".equals(c.get("r").asText())) ? 0 : 1);
        return byId;
    }

    /** What a probe client pod on node-1 checks: every path but node-to-node. */
    static List<ProbeCheck> podChecks() {
        return List.of(
                ProbeCheck.echo("c2c", "127.0.0.1", 8081, "127.0.0.1", null, 1),
                ProbeCheck.echo("pod-to-pod", POD_B, 8080, "$POD_IP", null, 2).withTimeoutMs(2000),
                ProbeCheck.echo("svc-ip", CLUSTER_IP, 80, null, 1, 2).withTimeoutMs(2000),
                ProbeCheck.tcp("svc-name", SERVICE, 80).withTimeoutMs(2000),
                ProbeCheck.dns("dns-a", null, SERVICE, "A", List.of(CLUSTER_IP)).withTimeoutMs(1500),
                ProbeCheck.dns("dns-srv", CLUSTER_DNS, "_http._tcp." + SERVICE, "SRV", List.of("0 10 80 " + SERVICE + ".")).withTimeoutMs(1500),
                ProbeCheck.dns("dns-ptr", CLUSTER_DNS, "10.0.96.10.in-addr.arpa", "PTR", List.of(SERVICE)).withTimeoutMs(1500),
                ProbeCheck.dns("dns-cname", CLUSTER_DNS, "ext.shop.svc.cluster.local", "CNAME", List.of(SERVICE)).withTimeoutMs(1500),
                ProbeCheck.dns("dns-nx", CLUSTER_DNS, "missing.shop.svc.cluster.local", "A", List.of()).withExpectNxdomain()
                        .withTimeoutMs(1500));
    }

    static Map<String, JsonNode> probeFromPodA() throws Exception {
        return probe("pod-a", Map.of("POD_IP", POD_A), podChecks());
    }

    static String result(Map<String, JsonNode> results, String id) {
        return results.get(id).get("r").asText() + " " + (results.get(id).has("m") ? results.get(id).get("m").asText() : "");
    }

    @Test
    void everyPathPassesInAHealthyNetworkForTheRightReason() throws Exception {
        Map<String, JsonNode> pod = probeFromPodA();
        pod.forEach((id, r) -> assertThat(r.get("r").asText()).as(id + ": " + r).isEqualTo("P"));
        // The backend saw pod-a's own address: routed, not NATed.
        assertThat(result(pod, "pod-to-pod")).contains("answered by pod-b").contains("source seen " + POD_A);
        // The ClusterIP led to the echo pod behind it (nftables DNAT, as kube-proxy does).
        assertThat(result(pod, "svc-ip")).contains("answered by pod-b");
        assertThat(result(pod, "dns-a")).contains(CLUSTER_IP);
        // The container on the other side of localhost is another process of the same pod.
        assertThat(result(pod, "c2c")).contains("answered by pod-a-sidecar");

        // External to Service through the NodePort on node-2, and node to node, both from node-1 (host network).
        Map<String, JsonNode> node = probe("node-1", Map.of("NODE_IP", NetworkLab.NODE_1), List.of(
                ProbeCheck.echo("nodeport", NODE_2, NODE_PORT, null, 1, 1).withTimeoutMs(2000),
                ProbeCheck.echo("node-to-node", NODE_2, HOST_ECHO_PORT, "$NODE_IP", null, 1).withTimeoutMs(2000)));
        node.forEach((id, r) -> assertThat(r.get("r").asText()).as(id + ": " + r).isEqualTo("P"));
        assertThat(result(node, "nodeport")).contains("answered by pod-b");
        assertThat(result(node, "node-to-node")).contains("answered by node-2").contains("source seen " + NetworkLab.NODE_1);
    }

    @Test
    void localhostReachesOnlyTheContainersOfTheSamePod() throws Exception {
        Map<String, JsonNode> fromB = probe("pod-b", Map.of("POD_IP", POD_B),
                List.of(ProbeCheck.echo("c2c", "127.0.0.1", 8081, "127.0.0.1", null, 1).withTimeoutMs(1500)));
        assertThat(result(fromB, "c2c")).startsWith("F").contains("refused");
    }

    @Test
    void aMasqueradeRuleFailsTheNoNatCheck() throws Exception {
        lab.nft("node-2", "add table ip fault\n"
                + "add chain ip fault post { type nat hook postrouting priority 100; }\n"
                + "add rule ip fault post ip daddr " + POD_B + " masquerade\n");
        try {
            Map<String, JsonNode> pod = probeFromPodA();
            assertThat(result(pod, "pod-to-pod")).startsWith("F")
                    .contains("NAT: pod-b saw the client as " + EMPTY_DNS + ", not " + POD_A);
            // Still reachable: NAT is not an outage, and the checks tell the two apart.
            assertThat(result(pod, "svc-ip")).startsWith("P");
        } finally {
            lab.nft("node-2", "delete table ip fault\n");
        }
        assertThat(result(probeFromPodA(), "pod-to-pod")).startsWith("P");
    }

    @Test
    void aDroppedRouteFailsPodToPod() throws Exception {
        lab.ip("-n", lab.ns("node-1"), "route", "del", "10.244.2.0/24");
        try {
            Map<String, JsonNode> pod = probeFromPodA();
            assertThat(result(pod, "pod-to-pod")).startsWith("F");
            assertThat(result(pod, "svc-ip")).startsWith("F");
            // What does not cross nodes still works.
            assertThat(result(pod, "c2c")).startsWith("P");
            assertThat(result(pod, "dns-a")).startsWith("P");
        } finally {
            lab.ip("-n", lab.ns("node-1"), "route", "add", "10.244.2.0/24", "via", NODE_2);
        }
    }

    @Test
    void aResolverWithoutTheRecordsFailsDns() throws Exception {
        lab.resolver("pod-a", EMPTY_DNS);
        try {
            Map<String, JsonNode> pod = probeFromPodA();
            assertThat(result(pod, "dns-a")).startsWith("F");
            assertThat(result(pod, "svc-name")).startsWith("F");
            // The service itself is fine by address.
            assertThat(result(pod, "svc-ip")).startsWith("P");
        } finally {
            lab.resolver("pod-a", CLUSTER_DNS);
        }
        Map<String, JsonNode> wrongServer = probe("pod-a", Map.of(), List.of(
                ProbeCheck.dns("dns-a", EMPTY_DNS, SERVICE, "A", List.of(CLUSTER_IP)).withTimeoutMs(1500)));
        assertThat(result(wrongServer, "dns-a")).startsWith("F");
    }
}
