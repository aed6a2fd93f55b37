package io.networktopology.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.networktopology.Processes;
import io.networktopology.api.v1alpha1.CheckStatus;
import io.networktopology.api.v1alpha1.ConnectivityStatus;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.model.ChildLabels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator the way users run it: installed with kustomize from a locally built image onto a real two-node
 * cluster, running as a pod under its own ServiceAccount and the shipped RBAC, with probe pods on real kubelets,
 * real kube-proxy, CNI and CoreDNS. Its status must say what the network really does.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(RealClusterExtension.class)
class RealClusterTest {

    static final String OPERATOR_NS = RealCluster.OPERATOR_NAMESPACE;
    static RealCluster cluster;

    @BeforeAll
    static void up(RealCluster realCluster) {
        cluster = realCluster;
    }

    @Test
    @Order(1)
    void installsWithKustomizeAndRunsAsAPodUnderItsOwnServiceAccount() throws Exception {
        cluster.installOperator();

        Pod pod = operatorPod();
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("network-topology-operator");
        assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("localhost/network-topology-operator:dev");
        assertThat(ready(pod)).as("the kubelet's readiness probe on /q/health/ready passed").isTrue();
        assertThat(health(pod, "/q/health/ready")).contains("\"status\": \"UP\"");
    }

    @Test
    @Order(2)
    void verifiesEveryPathOfATopologyWithBackendsOnBothNodes() throws Exception {
        cluster.applyRealnet("1m");

        NetworkTopology topology = awaitVerified("realnet", Duration.ofMinutes(5));
        ConnectivityStatus connectivity = topology.getStatus().getConnectivity();
        Map<String, List<CheckStatus>> byPath = connectivity.getChecks().stream()
                .collect(Collectors.groupingBy(CheckStatus::getPath));
        System.out.println(cluster.kubectlOk("get", "ntopo", "-A"));
        System.out.println(cluster.kubectlOk("get", "pods", "-A", "-o", "wide"));
        System.out.println(cluster.kubectlOk("-n", "realnet", "get", "ntopo", "realnet", "-o", "jsonpath={.status.connectivity}"));

        assertThat(connectivity.getChecks()).allSatisfy(check ->
                assertThat(check.getResult()).as(check.getId() + ": " + check.getMessage()).isEqualTo(CheckStatus.Result.Passed));
        assertThat(byPath).containsKeys("ContainerToContainer", "PodToPod", "PodToService", "ExternalToService", "NodeToNode", "DNS");
        assertThat(byPath.get("PodToPod")).as("pod to pod, from each node to each node, source address unchanged")
                .extracting(CheckStatus::getId)
                .containsExactlyInAnyOrder("pod-to-pod-node1", "pod-to-pod-node2", "pod-to-pod-node1-from-node2", "pod-to-pod-node2-from-node2");
        assertThat(byPath.get("PodToPod")).allSatisfy(check -> assertThat(check.getMessage()).contains("source seen 10.244."));
        assertThat(byPath.get("PodToService")).as("ClusterIP and name from both nodes").extracting(CheckStatus::getId)
                .contains("svc-ip-web-80", "svc-name-web-80", "svc-ip-web-80-from-node2", "svc-name-web-80-from-node2",
                        "load-balancing", "load-balancing-from-node2", "session-affinity", "session-affinity-from-node2");
        assertThat(byPath.get("NodeToNode")).as("node to node, both ways").extracting(CheckStatus::getId)
                .containsExactlyInAnyOrder("node-to-node-node2", "node-to-node-node1-from-node2");
        assertThat(byPath.get("NodeToNode")).extracting(CheckStatus::getMessage).allSatisfy(m -> assertThat(m).contains("source seen 10.99.0."));
        assertThat(byPath.get("ExternalToService")).as("the NodePort on each node address")
                .anySatisfy(check -> assertThat(check.getTo()).contains("10.99.0.1:30081"))
                .anySatisfy(check -> assertThat(check.getTo()).contains("10.99.0.2:30081"));
        // externalTrafficPolicy: Local, from each node's hostNetwork client: edge's one backend runs on node1.
        Map<String, CheckStatus> local = byPath.get("ExternalToService").stream()
                .filter(c -> c.getId().startsWith("nodeport-local-") || c.getId().startsWith("source-kept-"))
                .collect(Collectors.toMap(CheckStatus::getId, c -> c));
        assertThat(local).containsOnlyKeys("nodeport-local-edge-8080-node2", "nodeport-local-edge-8080-node1-from-node2",
                "source-kept-node2", "source-kept-node1-from-node2");
        assertThat(local.get("nodeport-local-edge-8080-node2").getMessage()).as("node2 has no endpoint: its NodePort stays closed")
                .startsWith("no connection, as expected");
        assertThat(local.get("nodeport-local-edge-8080-node1-from-node2").getMessage()).startsWith("connected to");
        assertThat(local.get("source-kept-node2").getMessage()).as("node1's own address reached node2's echo pod").contains("source seen 10.99.0.1");
        assertThat(local.get("source-kept-node1-from-node2").getMessage()).contains("source seen 10.99.0.2");
        assertThat(byPath.get("DNS")).as("aliases and hosts patched into the real CoreDNS, answered by both replicas")
                .anySatisfy(check -> assertThat(check.getTo()).contains("www.realnet.internal"))
                .anySatisfy(check -> assertThat(check.getTo()).contains("legacy.realnet.internal"))
                .anySatisfy(check -> assertThat(check.getTo()).isEqualTo("host legacy.realnet.internal → fd00:99::250"))
                .anySatisfy(check -> assertThat(check.getTo()).startsWith("PTR 0.5.2.0.0.0.0.0"))
                .allSatisfy(check -> assertThat(check.getMessage()).doesNotContain("1/2"));

        // The run cleans up after itself: no probe pods or ntprobe Services left for kubectl users to trip over.
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertThat(cluster.client().pods().inNamespace("realnet").withLabel(ChildLabels.PROBE_RUN).list().getItems()).isEmpty();
            assertThat(cluster.client().services().inNamespace("realnet").list().getItems()).extracting(s -> s.getMetadata().getName())
                    .noneMatch(name -> name.startsWith("ntprobe-"));
        });
    }

    @Test
    @Order(3)
    void survivesARolloutRestartAndProbesAgain() {
        String before = operatorPod().getMetadata().getName();
        cluster.kubectlOk("-n", OPERATOR_NS, "rollout", "restart", "deploy/network-topology-operator");
        cluster.kubectlOk("-n", OPERATOR_NS, "rollout", "status", "deploy/network-topology-operator", "--timeout=180s");
        await().atMost(Duration.ofMinutes(1)).until(() -> !operatorPod().getMetadata().getName().equals(before));

        String previousRun = topology("realnet").getStatus().getConnectivity().getLastRunId();
        cluster.kubectlOk("-n", "realnet", "annotate", "ntopo", "realnet", "--overwrite", "networktopology.io/probe-now=after-restart");
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
            ConnectivityStatus connectivity = topology("realnet").getStatus().getConnectivity();
            assertThat(connectivity.getLastRunId()).isNotEqualTo(previousRun);
            assertThat(connectivity.getLastRequest()).isEqualTo("after-restart");
        });
        assertThat(condition(topology("realnet"), "ConnectivityVerified")).isEqualTo("True");
    }

    @Test
    @Order(4)
    void aProbeImageThatCannotBePulledLeavesConnectivityUnknownAndReadyAlone() {
        // The operator's packaging must never turn a healthy topology Ready=False: an unpullable probe image is "not run".
        cluster.kubectlOk("-n", OPERATOR_NS, "set", "env", "deploy/network-topology-operator",
                "NETWORKTOPOLOGY_PROBES_IMAGE=localhost/nto/missing:1", "NETWORKTOPOLOGY_PROBES_RUN_DEADLINE=30s");
        cluster.kubectlOk("-n", OPERATOR_NS, "rollout", "status", "deploy/network-topology-operator", "--timeout=180s");
        cluster.kubectlOk("-n", "realnet", "annotate", "ntopo", "realnet", "--overwrite", "networktopology.io/probe-now=missing-image");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
            NetworkTopology topology = topology("realnet");
            assertThat(topology.getStatus().getConnectivity().getLastRequest()).isEqualTo("missing-image");
            assertThat(condition(topology, "ConnectivityVerified")).startsWith("Unknown ProbesPending: ")
                    .contains("checks not run: probe pod ").containsPattern("ErrImagePull|ImagePullBackOff");
        });
        NetworkTopology topology = topology("realnet");
        System.out.println(cluster.kubectlOk("get", "ntopo", "-A"));
        System.out.println("ConnectivityVerified: " + condition(topology, "ConnectivityVerified"));
        assertThat(condition(topology, "Ready")).isEqualTo("True");
        assertThat(topology.getStatus().getConnectivity().getSummary()).endsWith("not run");

        cluster.kubectlOk("-n", OPERATOR_NS, "set", "env", "deploy/network-topology-operator",
                "NETWORKTOPOLOGY_PROBES_IMAGE-", "NETWORKTOPOLOGY_PROBES_RUN_DEADLINE-");
        cluster.kubectlOk("-n", OPERATOR_NS, "rollout", "status", "deploy/network-topology-operator", "--timeout=180s");
        cluster.kubectlOk("-n", "realnet", "annotate", "ntopo", "realnet", "--overwrite", "networktopology.io/probe-now=image-back");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
            assertThat(topology("realnet").getStatus().getConnectivity().getLastRequest()).isEqualTo("image-back");
            assertThat(condition(topology("realnet"), "ConnectivityVerified")).isEqualTo("True");
        });
    }

    @Test
    @Order(5)
    void theShippedRbacIsEnoughWhileOthersWriteTheTopologyConcurrently() {
        // Conflicting writes: a probe run (status writes) while another client changes the topology 60 times. A status
        // write on a stale version gets 409 and re-reads the topology, which the shipped roles must allow.
        cluster.kubectlOk("-n", "realnet", "annotate", "ntopo", "realnet", "--overwrite", "networktopology.io/probe-now=storm");
        for (int i = 0; i < 60; i++) {
            String value = String.valueOf(i);
            cluster.client().resources(NetworkTopology.class).inNamespace("realnet").withName("realnet")
                    .edit(t -> {
                        t.getMetadata().getAnnotations().put("example.com/storm", value);
                        return t;
                    });
        }
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
            assertThat(topology("realnet").getStatus().getConnectivity().getLastRequest()).isEqualTo("storm");
            assertThat(condition(topology("realnet"), "ConnectivityVerified")).isEqualTo("True");
        });
        String log = cluster.kubectlOk("-n", OPERATOR_NS, "logs", "deploy/network-topology-operator");
        assertThat(log).as("the operator's log").doesNotContainIgnoringCase("forbidden");
    }

    @Test
    @Order(6)
    void aCordonedNodeIsNamedAsNotCheckedAndTheTopologyReadsVerifiedWithGaps() {
        // The trial: with node2 cordoned, every check from and to it vanished (57 -> 39) without a word in status.
        cluster.kubectlOk("cordon", "node2");
        try {
            cluster.kubectlOk("-n", "realnet", "annotate", "ntopo", "realnet", "--overwrite", "networktopology.io/probe-now=cordoned");
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
                NetworkTopology topology = topology("realnet");
                assertThat(topology.getStatus().getConnectivity().getLastRequest()).isEqualTo("cordoned");
                assertThat(topology.getStatus().getConnectivity().getNotChecked()).anySatisfy(gap -> assertThat(gap)
                        .startsWith("node node2: cordoned (spec.unschedulable)")).anySatisfy(gap -> assertThat(gap)
                        .isEqualTo("pod to pod across nodes: only node1 of 2 nodes can run probe pods"));
                assertThat(topology.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready"))
                        .singleElement().satisfies(c -> assertThat(c.getReason()).isEqualTo("VerifiedWithGaps"));
            });
            System.out.println(cluster.kubectlOk("get", "ntopo", "-A"));
            System.out.println(cluster.kubectlOk("-n", "realnet", "get", "ntopo", "realnet", "-o",
                    "jsonpath={.status.connectivity.summary}{'\\n'}{.status.connectivity.coverage}{'\\n'}{.status.connectivity.notChecked}{'\\n'}"));
        } finally {
            cluster.kubectlOk("uncordon", "node2");
        }
        cluster.kubectlOk("-n", "realnet", "annotate", "ntopo", "realnet", "--overwrite", "networktopology.io/probe-now=uncordoned");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
            NetworkTopology topology = topology("realnet");
            assertThat(topology.getStatus().getConnectivity().getLastRequest()).isEqualTo("uncordoned");
            assertThat(topology.getStatus().getConnectivity().getNotChecked()).isNull();
            assertThat(topology.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready"))
                    .singleElement().satisfies(c -> assertThat(c.getReason()).isEqualTo("AllPathsVerified"));
        });
    }

    @Test
    @Order(7)
    void uninstallingIsOneCommandThatFinishesAndRemovingEverythingLeavesNothingOfTheOperators() {
        // The trial: `kubectl delete -k` of the install with a topology present hung — the CRD waited on the topology's
        // finalizer, whose operator was already gone. The CRD is no longer in the overlay: the command finishes and keeps it.
        Processes.Result uninstall = cluster.kubectl("delete", "-k", "tools/cluster/overlay", "--timeout=120s");
        System.out.println("[kubectl delete -k tools/cluster/overlay] exit " + uninstall.exitCode() + "\n" + uninstall.out() + uninstall.err());
        assertThat(uninstall.exitCode()).as(uninstall.err()).isZero();
        assertThat(cluster.kubectlOk("get", "crd", "networktopologies.networktopology.io", "-o", "name")).contains("networktopologies");
        assertThat(topology("realnet")).as("the topology, kept with the CRD").isNotNull();

        // Everything, in the documented order (docs/operations.md): topologies while the operator runs, the operator, the CRD.
        cluster.installOperator();
        cluster.kubectlOk("delete", "ntopo", "-A", "--all", "--wait", "--timeout=180s");
        cluster.kubectlOk("delete", "-k", "tools/cluster/overlay", "--timeout=120s");
        cluster.kubectlOk("delete", "-k", "crds/", "--timeout=120s");
        cluster.kubectlOk("-n", "kube-system", "delete", "configmap", "coredns-backup-network-topology-operator", "--ignore-not-found");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertThat(cluster.client().services().inAnyNamespace().withLabel(ChildLabels.MANAGED_BY, ChildLabels.MANAGED_BY_VALUE).list()
                    .getItems()).as("Services of the operator's").isEmpty();
            assertThat(cluster.client().pods().inAnyNamespace().withLabel(ChildLabels.PROBE_RUN).list().getItems()).as("probe pods").isEmpty();
            assertThat(cluster.client().namespaces().withName(OPERATOR_NS).get()).as("the operator's namespace").isNull();
        });
        String corefile = cluster.client().configMaps().inNamespace("kube-system").withName("coredns").get().getData().get("Corefile");
        assertThat(corefile).as("the Corefile, without the operator's parts").doesNotContain("network-topology-operator", "realnet.internal");
        assertThat(cluster.client().configMaps().inNamespace("kube-system").list().getItems()).extracting(c -> c.getMetadata().getName())
                .noneMatch(name -> name.contains("network-topology"));
        System.out.println(cluster.kubectlOk("get", "crd,svc,pods", "-A")); // (no ntopo: its type went with the CRD)
    }

    static NetworkTopology awaitVerified(String name, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofSeconds(3)).untilAsserted(() ->
                assertThat(condition(topology(name), "ConnectivityVerified")).isEqualTo("True"));
        return topology(name);
    }

    static NetworkTopology topology(String name) {
        return cluster.topology(name, name);
    }

    static String condition(NetworkTopology topology, String type) {
        return RealCluster.condition(topology, type);
    }

    static Pod operatorPod() {
        return cluster.client().pods().inNamespace(OPERATOR_NS).withLabel("app.kubernetes.io/name", "network-topology-operator")
                .list().getItems().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(RealClusterTest::ready).findFirst().orElseThrow();
    }

    static boolean ready(Pod pod) {
        return pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The operator's health endpoint, asked on its pod address (a pod of this machine's own cluster). */
    static String health(Pod pod, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + pod.getStatus().getPodIP() + ":8080" + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
