package io.networktopology.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.networktopology.api.CheckStatus;
import io.networktopology.api.ConnectivityStatus;
import io.networktopology.api.NetworkTopology;
import io.networktopology.model.ChildLabels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

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
class RealClusterTest {

    static final String OPERATOR_NS = "network-topology-system";
    static RealCluster cluster;

    @RegisterExtension
    static final TestWatcher DUMP = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (cluster != null) {
                cluster.dumpState("realnet");
            }
        }
    };

    @BeforeAll
    static void up() throws Exception {
        cluster = RealCluster.up();
    }

    @AfterAll
    static void down() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void installsWithKustomizeAndRunsAsAPodUnderItsOwnServiceAccount() throws Exception {
        cluster.kubectlOk("apply", "-k", "tools/cluster/overlay");
        cluster.kubectlOk("-n", OPERATOR_NS, "rollout", "status", "deploy/network-topology-operator", "--timeout=180s");

        Pod pod = operatorPod();
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("network-topology-operator");
        assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("localhost/network-topology-operator:dev");
        assertThat(ready(pod)).as("the kubelet's readiness probe on /q/health/ready passed").isTrue();
        assertThat(health(pod, "/q/health/ready")).contains("\"status\": \"UP\"");
    }

    @Test
    @Order(2)
    void verifiesEveryPathOfATopologyWithBackendsOnBothNodes() {
        cluster.kubectlOk("apply", "-f", "src/test/resources/cluster/realnet.yaml");
        cluster.kubectlOk("-n", "realnet", "rollout", "status", "deploy/web", "--timeout=120s");

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
        assertThat(byPath.get("PodToPod")).as("pod to pod, to both nodes, source address unchanged").hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(check -> assertThat(check.getMessage()).contains("source seen 10.244."));
        assertThat(byPath.get("ExternalToService")).as("the NodePort on each node address")
                .anySatisfy(check -> assertThat(check.getTo()).contains("10.99.0.1:30081"))
                .anySatisfy(check -> assertThat(check.getTo()).contains("10.99.0.2:30081"));
        assertThat(byPath.get("DNS")).as("aliases and hosts patched into the real CoreDNS, answered by both replicas")
                .anySatisfy(check -> assertThat(check.getTo()).contains("www.realnet.internal"))
                .anySatisfy(check -> assertThat(check.getTo()).contains("legacy.realnet.internal"))
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

    static NetworkTopology awaitVerified(String name, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofSeconds(3)).untilAsserted(() ->
                assertThat(condition(topology(name), "ConnectivityVerified")).isEqualTo("True"));
        return topology(name);
    }

    static NetworkTopology topology(String name) {
        return cluster.client().resources(NetworkTopology.class).inNamespace(name).withName(name).get();
    }

    static String condition(NetworkTopology topology, String type) {
        if (topology == null || topology.getStatus() == null || topology.getStatus().getConditions() == null) {
            return null;
        }
        return topology.getStatus().getConditions().stream().filter(c -> type.equals(c.getType()))
                .map(c -> c.getStatus() + (c.getStatus().equals("True") ? "" : " " + c.getReason() + ": " + c.getMessage()))
                .findFirst().orElse(null);
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

    static List<Service> services(String namespace) {
        return cluster.client().services().inNamespace(namespace).list().getItems();
    }

    static Deployment operatorDeployment() {
        return cluster.client().apps().deployments().inNamespace(OPERATOR_NS).withName("network-topology-operator").get();
    }
}
