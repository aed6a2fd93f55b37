package io.networktopology.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.networktopology.api.v1alpha1.CheckStatus;
import io.networktopology.api.v1alpha1.ConnectivityStatus;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.ProbesSpec;
import io.networktopology.api.v1alpha1.ProbesSpec.ProbePath;
import io.networktopology.embedded.EmbeddedKubernetes;
import io.networktopology.probe.ProbeRuns;
import io.networktopology.model.ChildLabels;
import io.networktopology.probe.FakeKubelet;
import io.networktopology.probe.ProbeCheck;
import io.networktopology.status.ConditionList;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.networktopology.EmbeddedApi;
import io.quarkus.test.common.QuarkusTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.topology;
import static io.networktopology.probe.CheckFields.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's side of the connectivity probes against the embedded API, the test playing scheduler and kubelet
 * ({@link FakeKubelet}): the pods a run plans (placement, security, ownership, deadline), the checks the client is
 * given (every CoreDNS replica asked directly), status.connectivity, ConnectivityVerified with damping, outage
 * windows, Events, metrics, cleanup, the run deadline for pods that cannot be scheduled, and the on-demand annotation.
 */
@QuarkusTest
@TestProfile(ProbeOperatorTest.ProbesOn.class)
@QuarkusTestResource(EmbeddedApi.class)
class ProbeOperatorTest {

    /** Probes on, with a short run deadline so that the unschedulable case ends quickly. */
    public static class ProbesOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("networktopology.probes.enabled", "true", "networktopology.probes.run-deadline", "10s");
        }
    }

    @RegisterExtension
    static ClusterState clusterState = new ClusterState();

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry registry;

    @io.quarkus.test.common.http.TestHTTPResource("/q/metrics")
    java.net.URL metrics;


    @BeforeEach
    void cluster() {
        if (client.apiextensions().v1().customResourceDefinitions().withName("networktopologies.networktopology.io").get() == null) {
            EmbeddedKubernetes.installCrd(client);
        }
        for (String node : List.of("node-a", "node-b")) {
            if (client.nodes().withName(node).get() == null) {
                client.resource(new NodeBuilder().withNewMetadata().withName(node).addToLabels("kubernetes.io/hostname", node).endMetadata()
                        .withNewStatus().addNewAddress().withType("InternalIP").withAddress(node.equals("node-a") ? "192.168.0.1" : "192.168.0.2")
                        .endAddress().endStatus().build()).create();
            }
        }
        for (int i = 1; i <= 2; i++) {
            String name = "coredns-" + i;
            if (client.pods().inNamespace("kube-system").withName(name).get() == null) {
                FakeKubelet.coreDnsPod(client, name, "10.244.9." + i);
            }
        }
    }

    private String scrape() {
        try {
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(metrics.toURI()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (Exception e) {
            throw new AssertionError("could not scrape " + metrics, e);
        }
    }

    /** A topology with one selector-based Service whose probes check only these paths. */
    private static NetworkTopology probed(String namespace, ProbePath... paths) {
        NetworkTopology topology = topology(namespace, "shop", clusterIp("web"));
        ProbesSpec probes = new ProbesSpec();
        probes.setPaths(List.of(paths));
        topology.getSpec().setProbes(probes);
        return topology;
    }

    private NetworkTopology get(String namespace) {
        return client.resources(NetworkTopology.class).inNamespace(namespace).withName("shop").get();
    }

    private static Condition condition(NetworkTopology t, String type) {
        return t == null || t.getStatus() == null ? null : ConditionList.find(t.getStatus().getConditions(), type);
    }

    /** Gives the topology's services a cluster IP (the mock allocates none) and plays the kubelet until a run is reported. */
    private ConnectivityStatus untilRunFinished(String namespace, FakeKubelet kubelet, String afterRun) {
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (Service service : client.services().inNamespace(namespace).list().getItems()) {
                if (service.getSpec().getClusterIP() == null && !ChildLabels.isProbeObject(service)) {
                    service.getSpec().setClusterIP("10.96.0.10");
                    client.resource(service).update();
                }
            }
            kubelet.step(namespace);
            NetworkTopology t = get(namespace);
            ConnectivityStatus c = t == null || t.getStatus() == null ? null : t.getStatus().getConnectivity();
            return c != null && !c.getLastRunId().equals(afterRun);
        });
        return get(namespace).getStatus().getConnectivity();
    }

    private void probeNow(String namespace, String value) {
        client.resources(NetworkTopology.class).inNamespace(namespace).withName("shop")
                .edit(t -> {
                    t.getMetadata().setAnnotations(new java.util.HashMap<>(Map.of(ProbeRuns.PROBE_NOW_ANNOTATION, value)));
                    return t;
                });
    }

    private static CheckStatus check(ConnectivityStatus status, String id) {
        return status.getChecks().stream().filter(c -> c.getId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + id + " in " + status.getChecks().stream().map(CheckStatus::getId).toList()));
    }

    private List<Event> events(String namespace, String reason) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream().filter(e -> reason.equals(e.getReason())).toList();
    }

    @Test
    void aNetworkPolicyThatBlocksAPromisedPathIsNamedInPolicyFreeAndOnTheFailingChecks() {
        String ns = "policy-deny";
        client.resource(probed(ns, ProbePath.PodToService)).create();
        // The Service's pod, as the API server would have it (the mock runs no kubelet for it).
        client.resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("web-1").withNamespace(ns)
                .addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer().withName("web").withImage("busybox")
                .addNewPort().withName("http").withContainerPort(8080).endPort().endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP("10.244.1.30").endStatus().build()).create();
        FakeKubelet kubelet = new FakeKubelet(client);
        ConnectivityStatus first = untilRunFinished(ns, kubelet, "");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(condition(get(ns), "PolicyFree"))
                .satisfies(c -> assertThat(c.getReason()).isEqualTo("NoPolicies")));
        assertThat(condition(get(ns), "PolicyFree").getMessage()).isEqualTo("no NetworkPolicy in namespaces policy-deny and kube-system");

        // A default deny arrives, and the pods stop answering (an enforcer's "Connection refused").
        client.resource(new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder().withNewMetadata().withName("default-deny")
                .withNamespace(ns).endMetadata().withNewSpec().withNewPodSelector().endPodSelector().endSpec().build()).create();
        kubelet.fail("svc-", "ConnectException: Connection refused");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(condition(get(ns), "PolicyFree")).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("PathsBlocked");
            assertThat(c.getMessage()).startsWith("3 of 5 promised paths blocked: web:80 from the probe pods: ingress of pod policy-deny/web-1"
                    + " blocked by NetworkPolicy policy-deny/default-deny (selects every pod; no ingress rule admits pod"
                    + " policy-deny/<probe client> to port 8080/TCP)");
        }));
        probeNow(ns, "after-deny");
        ConnectivityStatus denied = untilRunFinished(ns, kubelet, first.getLastRunId());
        assertThat(check(denied, "svc-ip-web-80").getResult()).isEqualTo(CheckStatus.Result.Failed);
        assertThat(check(denied, "svc-ip-web-80").getPolicy()).startsWith("blocked by policy: ingress of pod policy-deny/web-1 blocked by"
                + " NetworkPolicy policy-deny/default-deny");
        assertThat(check(denied, "svc-ip-web-80").getMessage()).as("what the probe saw stays").isEqualTo("ConnectException: Connection refused");
        // Ready is not held back by PolicyFree itself (informational); the failing checks say the policy did it.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(condition(get(ns), "ConnectivityVerified").getMessage())
                .contains("svc-ip-web-80 (PodToService)").contains(": blocked by policy: ingress of pod policy-deny/web-1"));

        // The policy gone: the premise holds again, and no check keeps a policy note.
        client.resources(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class).inNamespace(ns).withName("default-deny").delete();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            NetworkTopology t = get(ns);
            assertThat(condition(t, "PolicyFree").getReason()).isEqualTo("NoPolicies");
            assertThat(t.getStatus().getConnectivity().getChecks()).allSatisfy(c -> assertThat(c.getPolicy()).isNull());
        });
    }

    @Test
    void aRunPlansRestrictedPodsOnEveryNodeAsksEveryCoreDnsReplicaAndReportsEveryPath() {
        String ns = "probe-ok";
        client.resource(topology(ns, "shop", clusterIp("web"))).create();

        // Phase one: an echo pod pinned to each node, the local pod with its sidecar, the run's echo Service.
        await().atMost(Duration.ofSeconds(20)).until(() -> client.pods().inNamespace(ns).withLabel(ChildLabels.PROBE_ROLE, "echo").list()
                .getItems().size() == 2 && client.pods().inNamespace(ns).withLabel(ChildLabels.PROBE_ROLE, "local").list().getItems().size() == 1);
        NetworkTopology topology = get(ns);
        assertThat(condition(topology, "ConnectivityVerified")).satisfiesAnyOf(
                c -> assertThat(c).isNull(), c -> assertThat(c.getStatus()).isEqualTo("Unknown"));
        List<Pod> echoes = client.pods().inNamespace(ns).withLabel(ChildLabels.PROBE_ROLE, "echo").list().getItems();
        assertThat(echoes).extracting(io.networktopology.probe.ProbePods::pinnedNode).containsExactlyInAnyOrder("node-a", "node-b");
        assertThat(echoes).allSatisfy(p -> assertThat(p.getMetadata().getName()).hasSizeLessThanOrEqualTo(63).startsWith("shop-"));
        for (Pod pod : client.pods().inNamespace(ns).withLabel(ChildLabels.PROBE_RUN).list().getItems()) {
            assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getUid()).isEqualTo(topology.getMetadata().getUid()));
            assertThat(pod.getMetadata().getLabels()).containsEntry(ChildLabels.TOPOLOGY, "shop");
            assertThat(pod.getSpec().getActiveDeadlineSeconds()).isEqualTo(10L);
            assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
            assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getSpec().getHostNetwork()).isNull();
            assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            List<Container> containers = new java.util.ArrayList<>(pod.getSpec().getContainers());
            if (pod.getSpec().getInitContainers() != null) {
                containers.addAll(pod.getSpec().getInitContainers());
            }
            for (Container container : containers) {
                assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
                assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
                assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
                assertThat(container.getImage()).isEqualTo("network-topology-operator:0.1.0");
                assertThat(container.getResources().getLimits()).containsKey("memory");
            }
        }
        Pod local = client.pods().inNamespace(ns).withLabel(ChildLabels.PROBE_ROLE, "local").list().getItems().get(0);
        assertThat(local.getSpec().getInitContainers()).singleElement().satisfies(sidecar -> {
            assertThat(sidecar.getRestartPolicy()).isEqualTo("Always");
            assertThat(sidecar.getStartupProbe().getTcpSocket().getPort().getIntVal()).isEqualTo(8081);
        });
        assertThat(client.services().inNamespace(ns).withLabel(ChildLabels.PROBE_RUN).list().getItems()).hasSize(1);

        FakeKubelet kubelet = new FakeKubelet(client);
        ConnectivityStatus connectivity = untilRunFinished(ns, kubelet, "");

        assertThat(connectivity.getChecks()).extracting(CheckStatus::getPath).contains("ContainerToContainer", "PodToPod",
                "PodToService", "DNS");
        // Named by node, so that a check is the same check in the next run (failures count up).
        assertThat(connectivity.getChecks()).extracting(CheckStatus::getId).contains("pod-to-pod-node-a", "pod-to-pod-node-b");
        // A client on each node: the first (by name, the same in every run) checks everything, the other pod to pod and
        // Services from there, under names of its own.
        assertThat(connectivity.getChecks()).extracting(CheckStatus::getId)
                .contains("pod-to-pod-node-a-from-node-b", "pod-to-pod-node-b-from-node-b", "svc-ip-web-80-from-node-b");
        assertThat(check(connectivity, "svc-ip-web-80").getFrom()).isEqualTo("probe client pod on node-a");
        assertThat(check(connectivity, "load-balancing").getTo()).contains("2 echo pods");
        assertThat(check(connectivity, "svc-ip-web-80").getTo()).isEqualTo("ClusterIP 10.96.0.10:80");
        // Each DNS record was asked of both CoreDNS pods directly, and reported as one check.
        assertThat(check(connectivity, "dns-a-web").getMessage()).startsWith("served by 2/2 CoreDNS pods");
        assertThat(kubelet.plannedChecks()).filteredOn(c -> c.id().startsWith("dns-a-web@")).extracting(c -> field(c, "server"))
                .containsExactlyInAnyOrder("10.244.9.1:53", "10.244.9.2:53");
        // Pod to pod expects the client's own address at the echo (no NAT), filled in from the downward API.
        assertThat(kubelet.plannedChecks()).filteredOn(c -> c.id().startsWith("pod-to-pod-")).extracting(c -> field(c, "expectSource"))
                .containsOnly("$POD_IP");
        assertThat(connectivity.getSummary()).isEqualTo(connectivity.getChecks().size() + "/" + connectivity.getChecks().size() + " passed");
        assertThat(connectivity.getChecks()).allSatisfy(c -> {
            assertThat(c.getResult()).isEqualTo(CheckStatus.Result.Passed);
            assertThat(c.getConsecutiveFailures()).isZero();
            assertThat(c.getLastOutage()).isNull();
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            NetworkTopology t = get(ns);
            assertThat(condition(t, "ConnectivityVerified").getStatus()).isEqualTo("True");
            assertThat(condition(t, "ConnectivityVerified").getReason()).isEqualTo("AllPathsVerified");
            assertThat(condition(t, "Ready").getReason()).isEqualTo("AllPathsVerified");
        });
        // The run's pods and Service are gone once their reports were read.
        await().atMost(Duration.ofSeconds(10)).until(() -> client.pods().inNamespace(ns).withLabel(ChildLabels.PROBE_RUN).list().getItems().isEmpty()
                && client.services().inNamespace(ns).withLabel(ChildLabels.PROBE_RUN).list().getItems().isEmpty());
        // Metrics: one series per check and per path.
        Gauge passed = registry.find("networktopology.probe.check.passed").tags("namespace", ns, "check", "container-to-container").gauge();
        assertThat(passed).isNotNull();
        assertThat(passed.value()).isEqualTo(1.0);
        assertThat(registry.find("networktopology.probe.path.passed").tags("namespace", ns, "path", "DNS").gauge().value()).isEqualTo(1.0);
        // As Prometheus scrapes them.
        String scraped = scrape();
        assertThat(scraped).containsPattern("networktopology_probe_check_passed\\{[^}]*check=\"container-to-container\"[^}]*namespace=\"" + ns
                + "\"[^}]*} 1\\.0");
        assertThat(scraped).containsPattern("networktopology_probe_check_latency_seconds\\{[^}]*check=\"svc-ip-web-80\"[^}]*namespace=\"" + ns + "\"");
        assertThat(scraped).containsPattern("networktopology_probe_runs_total\\{[^}]*result=\"passed\"");
        // No second run without a reason: the interval is 5 minutes.
        String runId = connectivity.getLastRunId();
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(client.pods().inNamespace(ns).withLabel(ChildLabels.PROBE_RUN).list().getItems()).isEmpty();
        assertThat(get(ns).getStatus().getConnectivity().getLastRunId()).isEqualTo(runId);
    }

    @Test
    void aFailureIsDampedThenReportedWithItsOutageAndRecovers() {
        String ns = "probe-flap";
        NetworkTopology topology = probed(ns, ProbePath.PodToPod, ProbePath.PodToService);
        client.resource(topology).create();
        FakeKubelet kubelet = new FakeKubelet(client).fail("svc-ip-web", "ConnectException: Connection refused");

        ConnectivityStatus first = untilRunFinished(ns, kubelet, "");
        CheckStatus failing = check(first, "svc-ip-web-80");
        assertThat(failing.getResult()).isEqualTo(CheckStatus.Result.Failed);
        assertThat(failing.getConsecutiveFailures()).isEqualTo(1);
        assertThat(failing.getLastOutage().getStart()).isEqualTo(failing.getLastTransitionTime());
        assertThat(failing.getLastOutage().getEnd()).isNull();
        // Once is not an outage yet (failureThreshold 2): not verified either (Unknown, which does not hold Ready back), named.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Condition verified = condition(get(ns), "ConnectivityVerified");
            assertThat(verified.getStatus()).isEqualTo("Unknown");
            assertThat(verified.getMessage()).contains("checks failing, fewer than 2 runs in a row").contains("svc-ip-web-80");
            assertThat(condition(get(ns), "Ready").getStatus()).isEqualTo("True");
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> events(ns, "ProbeFailing").size() == 1);
        assertThat(events(ns, "ProbeFailing").get(0).getMessage()).contains("svc-ip-web-80 (PodToService): ConnectException");
        assertThat(registry.find("networktopology.probe.check.passed").tags("namespace", ns, "check", "svc-ip-web-80").gauge().value()).isZero();

        probeNow(ns, "second");
        ConnectivityStatus second = untilRunFinished(ns, kubelet, first.getLastRunId());
        assertThat(second.getLastRequest()).isEqualTo("second");
        assertThat(check(second, "svc-ip-web-80").getConsecutiveFailures()).isEqualTo(2);
        assertThat(check(second, "svc-ip-web-80").getLastOutage()).isEqualTo(failing.getLastOutage());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            NetworkTopology t = get(ns);
            assertThat(condition(t, "ConnectivityVerified").getStatus()).isEqualTo("False");
            assertThat(condition(t, "ConnectivityVerified").getReason()).isEqualTo("ConnectivityFailed");
            assertThat(condition(t, "Ready").getStatus()).isEqualTo("False");
            assertThat(condition(t, "Ready").getMessage()).contains("svc-ip-web-80");
        });
        // The failure is announced once, when it starts, not on every run.
        assertThat(events(ns, "ProbeFailing")).hasSize(1);

        kubelet.passAll();
        probeNow(ns, "third");
        ConnectivityStatus third = untilRunFinished(ns, kubelet, second.getLastRunId());
        CheckStatus recovered = check(third, "svc-ip-web-80");
        assertThat(recovered.getResult()).isEqualTo(CheckStatus.Result.Passed);
        assertThat(recovered.getConsecutiveFailures()).isZero();
        assertThat(recovered.getLastOutage().getStart()).isEqualTo(failing.getLastOutage().getStart());
        assertThat(recovered.getLastOutage().getEnd()).isEqualTo(third.getLastRun());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(condition(get(ns), "ConnectivityVerified").getStatus()).isEqualTo("True");
            assertThat(events(ns, "ProbeRecovered")).hasSize(1);
        });
    }

    @Test
    void podsThatCannotBeScheduledLeaveTheirChecksNotRunWithTheSchedulersReasonAtTheDeadline() {
        String ns = "probe-stuck";
        NetworkTopology topology = probed(ns, ProbePath.PodToPod, ProbePath.ContainerToContainer);
        client.resource(topology).create();
        String reason = "0/2 nodes are available: 2 Insufficient memory.";
        FakeKubelet kubelet = new FakeKubelet(client).unschedulable(reason);

        ConnectivityStatus connectivity = untilRunFinished(ns, kubelet, "");
        // Not a network failure: nothing ran. The checks say why, and the condition is Unknown, not ConnectivityFailed.
        assertThat(connectivity.getChecks()).isNotEmpty().allSatisfy(c -> {
            assertThat(c.getResult()).isEqualTo(CheckStatus.Result.Skipped);
            assertThat(c.getMessage()).isEqualTo("not run: probe pod unschedulable: " + reason);
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(condition(get(ns), "ConnectivityVerified").getStatus()).isEqualTo("Unknown");
            assertThat(condition(get(ns), "ConnectivityVerified").getReason()).isEqualTo("ProbesPending");
            assertThat(condition(get(ns), "ConnectivityVerified").getMessage())
                    .isEqualTo("3 of 3 checks not run: probe pod unschedulable: " + reason);
        });
        assertThat(connectivity.getChecks()).extracting(CheckStatus::getId)
                .containsExactlyInAnyOrder("pod-to-pod-node-a", "pod-to-pod-node-b", "container-to-container");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.pods().inNamespace(ns).withLabel(ChildLabels.PROBE_RUN).list().getItems().isEmpty());
    }

    @Test
    void theRunWaitsForItsEchoServicesAddressAndReportsTheCheckWhenNoneComes() {
        // An allocator slower than the kubelet: the clients wait for the address (this order once made the load-balancing
        // check vanish from a run of the network lab).
        String ns = "probe-late-ip";
        client.resource(probed(ns, ProbePath.PodToPod, ProbePath.PodToService)).create();
        ConnectivityStatus late = untilRunFinished(ns, new FakeKubelet(client).serviceAddressesAfter(5), "");
        assertThat(check(late, "load-balancing").getResult()).isEqualTo(CheckStatus.Result.Passed);
        assertThat(check(late, "load-balancing").getTo()).startsWith("probe echo Service 10.96.200.");

        // None at all: the check is reported not run, with why, and the topology is not verified.
        String never = "probe-no-ip";
        client.resource(probed(never, ProbePath.PodToPod, ProbePath.PodToService)).create();
        ConnectivityStatus none = untilRunFinished(never, new FakeKubelet(client).serviceAddressesAfter(-1), "");
        CheckStatus lb = check(none, "load-balancing");
        assertThat(lb.getResult()).isEqualTo(CheckStatus.Result.Skipped);
        assertThat(lb.getMessage()).startsWith("not run: the run's echo Service ").endsWith(" has no ClusterIP");
        assertThat(check(none, "pod-to-pod-node-a").getResult()).isEqualTo(CheckStatus.Result.Passed);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(condition(get(never), "ConnectivityVerified").getStatus()).isNotEqualTo("True"));
    }

    @Test
    void aServiceWithClientIpAffinityGetsASessionAffinityCheckThroughAnEchoServiceThatAsksTheSame() {
        String ns = "probe-affinity";
        NetworkTopology topology = probed(ns, ProbePath.PodToPod, ProbePath.PodToService);
        topology.getSpec().getServices().get(0).setSessionAffinity(io.networktopology.api.v1alpha1.SessionAffinity.ClientIP);
        client.resource(topology).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> client.services().inNamespace(ns).withLabel(ChildLabels.PROBE_RUN).list().getItems().size() == 2);
        assertThat(client.services().inNamespace(ns).withLabel(ChildLabels.PROBE_RUN).list().getItems())
                .extracting(s -> s.getSpec().getSessionAffinity()).containsExactlyInAnyOrder("None", "ClientIP");
        FakeKubelet kubelet = new FakeKubelet(client);
        ConnectivityStatus connectivity = untilRunFinished(ns, kubelet, "");
        CheckStatus affinity = check(connectivity, "session-affinity");
        assertThat(affinity.getResult()).isEqualTo(CheckStatus.Result.Passed);
        assertThat(affinity.getTo()).startsWith("probe echo Service 10.96.200.").endsWith(" with sessionAffinity: ClientIP → 1 of 2 echo pods");
        assertThat(kubelet.plannedChecks()).filteredOn(c -> c.id().equals("session-affinity")).singleElement()
                .satisfies(c -> assertThat(field(c, "maxBackends")).isEqualTo(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> client.services().inNamespace(ns).withLabel(ChildLabels.PROBE_RUN).list().getItems().isEmpty());
    }

    @Test
    void aCordonedNodeIsSaidToBeUncheckedAndTheTopologyReadsVerifiedWithGaps() {
        String ns = "probe-cordon";
        client.nodes().withName("node-b").edit(n -> {
            n.setSpec(new io.fabric8.kubernetes.api.model.NodeSpecBuilder().withUnschedulable(true).build());
            return n;
        });
        try {
            client.resource(topology(ns, "shop", clusterIp("web"))).create();
            ConnectivityStatus connectivity = untilRunFinished(ns, new FakeKubelet(client), "");
            assertThat(connectivity.getChecks()).allSatisfy(c -> assertThat(c.getResult()).as(c.getId()).isEqualTo(CheckStatus.Result.Passed));
            assertThat(connectivity.getCoverage()).isEqualTo("probed on node-a (1 of 2 nodes); not on node-b (cordoned (spec.unschedulable))");
            assertThat(connectivity.getNotChecked()).containsExactly("node node-b: cordoned (spec.unschedulable); no probe pod runs there, so pods"
                    + " on it, Services from it and its NodePorts are not checked", "pod to pod across nodes: only node-a of 2 nodes can run probe pods");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(condition(get(ns), "ConnectivityVerified").getReason()).isEqualTo("VerifiedWithGaps");
                assertThat(condition(get(ns), "Ready").getReason()).isEqualTo("VerifiedWithGaps");
                assertThat(condition(get(ns), "Ready").getMessage()).contains("not checked: node node-b: cordoned");
            });
        } finally {
            client.nodes().withName("node-b").edit(n -> {
                n.getSpec().setUnschedulable(null);
                return n;
            });
        }
    }

    @Test
    void probesSwitchedOffRunNothingAndSaySo() {
        String ns = "probe-off";
        NetworkTopology topology = probed(ns);
        topology.getSpec().getProbes().setEnabled(false);
        client.resource(topology).create();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(condition(get(ns), "ConnectivityVerified").getReason()).isEqualTo("ProbesDisabled"));
        assertThat(client.pods().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(get(ns).getStatus().getConnectivity()).isNull();
    }

    @Test
    void nodeToNodeUsesHostNetworkPodsOnlyWhenSwitchedOn() {
        String ns = "probe-nodes";
        NetworkTopology topology = probed(ns, ProbePath.NodeToNode);
        topology.getSpec().getProbes().setNodeToNode(true);
        client.resource(topology).create();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                client.pods().inNamespace(ns).withLabel(ChildLabels.PROBE_ROLE, "host-echo").list().getItems().size() == 2);
        assertThat(client.pods().inNamespace(ns).withLabel(ChildLabels.PROBE_ROLE, "host-echo").list().getItems())
                .allSatisfy(p -> assertThat(p.getSpec().getHostNetwork()).isTrue());
        // No pod-network pods for a node-only run.
        assertThat(client.pods().inNamespace(ns).withLabel(ChildLabels.PROBE_ROLE, "echo").list().getItems()).isEmpty();

        FakeKubelet kubelet = new FakeKubelet(client);
        ConnectivityStatus connectivity = untilRunFinished(ns, kubelet, "");
        assertThat(connectivity.getChecks()).extracting(CheckStatus::getPath).containsOnly("NodeToNode");
        assertThat(kubelet.plannedChecks()).extracting(c -> field(c, "expectSource")).containsOnly("$NODE_IP");
        assertThat(kubelet.plannedChecks()).extracting(c -> field(c, "port")).containsOnly(29999);
        // Both directions, from a hostNetwork client on each node.
        assertThat(connectivity.getChecks()).extracting(CheckStatus::getId)
                .containsExactlyInAnyOrder("node-to-node-node-b", "node-to-node-node-a-from-node-b");
    }

    @Test
    void aServiceTheApiKeepsRefusingIsThatServicesFailureAndTheProbesOfTheOthersGoOn() {
        String ns = "probe-wedged";
        NetworkTopology topology = topology(ns, "shop", clusterIp("web"), clusterIp("api"));
        ProbesSpec probes = new ProbesSpec();
        probes.setPaths(List.of(ProbePath.PodToService));
        topology.getSpec().setProbes(probes);
        client.resource(topology).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> client.services().inNamespace(ns).withName("api").get() != null
                && client.services().inNamespace(ns).withName("web").get() != null);
        // From now on every apply of web is refused, as an API server refuses a port that collides with another.
        String refusal = "Service \"web\" is invalid: spec.ports[1].name: Duplicate value: \"http\"";
        EmbeddedApi.api().refuse("PATCH", "/api/v1/namespaces/" + ns + "/services/web", new io.fabric8.kubernetes.api.model.StatusBuilder()
                .withStatus("Failure").withCode(422).withReason("Invalid").withMessage(refusal)
                .withNewDetails().withKind("Service").withName("web").endDetails().build());
        client.resources(NetworkTopology.class).inNamespace(ns).withName("shop").edit(t -> {
            t.getSpec().getServices().get(0).getPorts().get(0).setPort(81);
            t.getSpec().getServices().get(1).getPorts().get(0).setPort(8081);
            return t;
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            NetworkTopology t = get(ns);
            assertThat(condition(t, "Ready").getReason()).isEqualTo("ServiceRejected");
            assertThat(condition(t, "ServicesReady").getStatus() + " " + condition(t, "ServicesReady").getReason())
                    .as("the part that failed says so, not True beside Ready=False").isEqualTo("False ServiceRejected");
            assertThat(condition(t, "ServicesReady").getMessage()).startsWith("web: refused by the API server: " + refusal);
            assertThat(t.getStatus().getServices()).extracting(s -> s.getName() + " " + s.getState())
                    .containsExactly("web Rejected", "api Ready");
            // The other Service took the change.
            assertThat(client.services().inNamespace(ns).withName("api").get().getSpec().getPorts().get(0).getPort()).isEqualTo(8081);
        });
        // The probes go on: a run finishes with the checks of both Services as declared (web's port 81, which the Service
        // it still has does not serve, fails there: the declared path does not work), and leaves nothing behind.
        ConnectivityStatus connectivity = untilRunFinished(ns, new FakeKubelet(client), "");
        assertThat(connectivity.getChecks()).extracting(CheckStatus::getId).contains("svc-ip-api-8081", "svc-ip-web-81");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(client.pods().inNamespace(ns).withLabel(ChildLabels.PROBE_RUN).list().getItems()).as("the run's pods").isEmpty());
    }

    @Test
    void podsTheApiRefusesFailTheirChecksWithTheApisReason() {
        String ns = "probe-refused";
        String refusal = "pods \"x\" is forbidden: violates PodSecurity \"restricted:latest\": host namespaces (hostNetwork=true)";
        EmbeddedApi.api().refuse("POST", "/api/v1/namespaces/" + ns + "/pods", new io.fabric8.kubernetes.api.model.StatusBuilder()
                .withStatus("Failure").withCode(403).withReason("Forbidden").withMessage(refusal).build());
        NetworkTopology topology = probed(ns, ProbePath.PodToPod, ProbePath.ContainerToContainer);
        client.resource(topology).create();

        ConnectivityStatus connectivity = untilRunFinished(ns, new FakeKubelet(client), "");
        assertThat(connectivity.getChecks()).extracting(CheckStatus::getId)
                .containsExactlyInAnyOrder("pod-to-pod-node-a", "pod-to-pod-node-b", "container-to-container", "probe-client");
        assertThat(connectivity.getChecks()).allSatisfy(c -> {
            assertThat(c.getResult()).isEqualTo(CheckStatus.Result.Failed);
            assertThat(c.getMessage()).startsWith("could not create Pod shop-").endsWith(refusal);
        });
        assertThat(connectivity.getMessage()).isEqualTo("4 probe object(s) could not be created");
    }
}
