package io.networktopology.probe;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.networktopology.api.v1alpha1.CheckStatus;
import io.networktopology.api.v1alpha1.ConnectivityStatus;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.ProbesSpec.ProbePath;
import io.networktopology.Topologies;
import io.networktopology.dependent.OwnedChildren;
import io.networktopology.probe.ProbePods.Role;
import io.networktopology.status.ConnectivityReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe run as a pure state machine, driven by hand: no API, no operator. Each step hands it the run's pods as a
 * cache would show them and checks what it decides — wait, start the clients, or finish with every check's outcome.
 */
class ProbeRunTest {

    @Test
    void checksWithLongIdsAreSpreadOverMorePodsSoThatEveryFailureKeepsItsReason() {
        // A Gateway gone fails every route check at once; their ids (route, listener, host, path) are long. Each pod's
        // report must still say why each failed, whole: the real nodes saw these cut to "… the proxy …" at 40 per pod.
        List<ProbeCheck> checks = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            checks.add(ProbeCheck.tcp("httproute-shop-https-probe.tenants.gateway.test/api/index.html-GET-X-Team-" + i, "10.99.0.1", 443));
        }
        // Quotes (escaped in JSON) and a long duration take room too.
        String why = "answered \"HTTP/1.0 404 Not Found\" as a name nobody routes does: the Gateway's own answer, not a backend's (TLS)";
        List<List<ProbeCheck>> batches = ProbeRun.batches(checks);
        assertThat(batches).hasSizeGreaterThan(2);
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(60);
        assertThat(batches.stream().flatMap(List::stream).toList()).as("in order, none lost").isEqualTo(checks);
        for (List<ProbeCheck> batch : batches) {
            String report = ProbeRunner.report(batch.stream().map(c -> new ProbeResult(c.id(), ProbeResult.FAILED, 123456L, why)).toList());
            com.fasterxml.jackson.databind.JsonNode parsed;
            try {
                parsed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            assertThat(parsed.get("checks")).hasSize(batch.size()).allSatisfy(c -> assertThat(c.get("m").asText()).as("every failure's reason, whole")
                    .isEqualTo(why));
        }
        // Short ids: 23 in a pod (each keeps room for its id, the JSON and a 120-character reason); none: no batch.
        List<ProbeCheck> short_ = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            short_.add(ProbeCheck.tcp("c" + i, "10.99.0.1", 80));
        }
        assertThat(ProbeRun.batches(short_)).extracting(List::size).containsExactly(23, 22);
        assertThat(ProbeRun.batches(List.of())).isEmpty();
    }

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private final ProbeSettings settings = ProbeSettings.defaults("cluster.local");
    private final ProbePods pods = new ProbePods(settings);
    private final NetworkTopology topology = topology();
    private final OwnerReference owner = OwnedChildren.ownerReference(topology);
    private final List<ProbePath> paths = List.of(ProbePath.PodToPod, ProbePath.PodToService);

    /**
     * The next run is due the interval after the last one finished, plus up to a tenth of it that differs between
     * topologies: twenty topologies that finished their runs together do not all start the next at the same moment.
     */
    @Test
    void runsOfTopologiesThatFinishedTogetherAreDueAtDifferentMomentsWithinATenthOfTheInterval() {
        io.networktopology.api.v1alpha1.ProbesSpec probes = new io.networktopology.api.v1alpha1.ProbesSpec();
        probes.setInterval("5m");
        java.util.Set<Duration> due = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) {
            NetworkTopology t = Topologies.topology("shop", "t-" + i, Topologies.clusterIp("web"));
            t.getMetadata().setUid("uid-" + i);
            t.getMetadata().setGeneration(1L);
            io.networktopology.api.v1alpha1.ConnectivityStatus last = new io.networktopology.api.v1alpha1.ConnectivityStatus();
            last.setLastRun(T0.toString());
            last.setLastRunId("r" + i);
            last.setObservedGeneration(1L);
            Duration untilDue = ProbeRun.untilDue(t, last, null, probes, T0);
            assertThat(untilDue).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(5).plusSeconds(30));
            assertThat(ProbeRun.untilDue(t, last, null, probes, T0)).as("the same for the same run").isEqualTo(untilDue);
            assertThat(ProbeRun.untilDue(t, last, null, probes, T0.plusSeconds(60))).isEqualTo(untilDue.minusSeconds(60));
            due.add(untilDue);
        }
        assertThat(due).as("distinct moments for 20 topologies").hasSizeGreaterThan(15);
    }

    @Test
    void aRunWaitsForItsEchoPodsThenPlansClientsThenFinishesWithEveryReport() {
        ProbeRun run = ProbeRun.start(T0, null, null, 1L);
        List<HasMetadata> first = run.firstObjects(pods, topology, owner, paths, List.of("node-a", "node-b"));
        assertThat(first).extracting(HasMetadata::getKind).containsExactly("Pod", "Pod", "Service");
        first.forEach(run::created);
        List<Pod> echoes = first.stream().filter(Pod.class::isInstance).map(Pod.class::cast).toList();

        // Not in the cache yet, then there but not up: wait, at most until half the deadline.
        assertThat(run.next(List.of(), DEADLINE, T0.plusSeconds(1))).isEqualTo(new ProbeRun.Wait(Duration.ofSeconds(59)));
        assertThat(run.next(echoes, DEADLINE, T0.plusSeconds(2))).isInstanceOf(ProbeRun.Wait.class);

        List<Pod> up = List.of(running(echoes.get(0), "10.244.1.5"), running(echoes.get(1), "10.244.2.5"));
        assertThat(run.next(up, DEADLINE, T0.plusSeconds(5))).isInstanceOf(ProbeRun.StartClients.class);
        ProbeRun.Echoes servers = run.echoes(up, settings, T0.plusSeconds(5));
        assertThat(servers.pods()).extracting(ProbePlan.EchoTarget::node, ProbePlan.EchoTarget::ip)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("node-a", "10.244.1.5"), org.assertj.core.groups.Tuple.tuple("node-b", "10.244.2.5"));
        List<Pod> clients = run.clients(pods, topology, owner, paths, servers, targets(servers));
        // One client per node with an echo pod: pod to pod crosses nodes both ways.
        assertThat(clients).extracting(ProbePods::pinnedNode).containsExactly("node-a", "node-b");
        clients.forEach(run::created);
        run.clientsStarted();

        List<Pod> all = new ArrayList<>(up);
        all.addAll(clients);
        assertThat(run.next(all, DEADLINE, T0.plusSeconds(10))).isEqualTo(new ProbeRun.Wait(Duration.ofSeconds(110)));

        // The first client reports; no kubelet ever takes the second, and the deadline passes: its checks are not run, saying why.
        all.set(2, reported(clients.get(0)));
        ProbeRun.Next next = run.next(all, DEADLINE, T0.plusSeconds(121));
        assertThat(next).isInstanceOf(ProbeRun.Finish.class);
        List<ConnectivityReport.Outcome> outcomes = ((ProbeRun.Finish) next).outcomes();
        assertThat(outcomes).filteredOn(o -> ProbePods.plannedChecks(clients.get(0)).stream().anyMatch(c -> c.id().equals(o.id())))
                .isNotEmpty().allMatch(o -> o.result() == io.networktopology.api.v1alpha1.CheckStatus.Result.Passed);
        assertThat(outcomes).filteredOn(o -> ProbePods.plannedChecks(clients.get(1)).stream().anyMatch(c -> c.id().equals(o.id())))
                .isNotEmpty().allMatch(o -> o.message().equals(ConnectivityReport.NOT_RUN + "probe pod "
                        + clients.get(1).getMetadata().getName() + " has no status after 121 s (no kubelet took it)"));
    }

    @Test
    void anEchoPodThatNeverComesUpIsReportedByTheClientsAsNotRunWithItsReason() {
        ProbeRun run = ProbeRun.start(T0, null, null, 1L);
        List<HasMetadata> first = run.firstObjects(pods, topology, owner, paths, List.of("node-a", "node-b"));
        first.forEach(run::created);
        Pod stuck = (Pod) first.get(1);
        stuck.setStatus(new PodStatusBuilder().withPhase("Pending").withConditions(new PodConditionBuilder().withType("PodScheduled")
                .withStatus("False").withReason("Unschedulable").withMessage("0/2 nodes are available").build()).build());
        List<Pod> cache = List.of(running((Pod) first.get(0), "10.244.1.5"), stuck);
        // Half the deadline passed: the clients start with what is up.
        assertThat(run.next(cache, DEADLINE, T0.plusSeconds(61))).isInstanceOf(ProbeRun.StartClients.class);
        ProbeRun.Echoes servers = run.echoes(cache, settings, T0.plusSeconds(61));
        assertThat(servers.podPresets()).singleElement().satisfies(p -> {
            assertThat(p.check().id()).isEqualTo("pod-to-pod-node-b");
            assertThat(p.result().message()).isEqualTo(ConnectivityReport.NOT_RUN + "probe pod unschedulable: 0/2 nodes are available");
        });
    }

    @Test
    void aRefusedPodFailsTheChecksThatNeededItWithTheApisReason() {
        ProbeRun run = ProbeRun.start(T0, null, null, 1L);
        List<HasMetadata> first = run.firstObjects(pods, topology, owner, List.of(ProbePath.ContainerToContainer), List.of());
        run.refused(first.get(0), "could not create Pod x: exceeded quota");
        assertThat(run.refusals()).isEqualTo("1 probe object(s) could not be created");
        ProbeRun.Next next = run.next(List.of(), DEADLINE, T0.plusSeconds(61));
        assertThat(next).isInstanceOf(ProbeRun.StartClients.class);
        run.clientsStarted();
        assertThat(((ProbeRun.Finish) run.next(List.of(), DEADLINE, T0.plusSeconds(62))).outcomes()).singleElement()
                .satisfies(o -> assertThat(o.id() + ": " + o.message()).isEqualTo("container-to-container: could not create Pod x: exceeded quota"));
    }

    @Test
    void aRestartedOperatorAdoptsTheNewestUnreportedRun() {
        ProbeRun old = ProbeRun.start(T0, null, null, 1L);
        ProbeRun newer = ProbeRun.start(T0.plusSeconds(300), null, null, 1L);
        List<Pod> cache = new ArrayList<>();
        for (ProbeRun run : List.of(old, newer)) {
            run.firstObjects(pods, topology, owner, paths, List.of("node-a")).stream().filter(Pod.class::isInstance).map(Pod.class::cast).forEach(cache::add);
        }
        ProbeRun adopted = ProbeRun.adopt(cache, old.runId(), null);
        assertThat(adopted.runId()).isEqualTo(newer.runId());
        assertThat(adopted.started()).isEqualTo(newer.started());
        assertThat(adopted.generation()).as("unknown: a run follows").isNull();
        assertThat(ProbeRun.adopt(cache, newer.runId(), null).runId()).as("the newest was reported: the older is still open").isEqualTo(old.runId());
    }

    /** The scheduler's toleration rule (Toleration.ToleratesTaint in k8s.io/api), case by case. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // toleration key, operator, value, effect | taint key, value, effect | tolerated
        "-   | Exists | -  | -          | a | 1 | NoSchedule | true",
        "a   | Exists | -  | -          | a | 1 | NoSchedule | true",
        "a   | Exists | -  | NoExecute  | a | 1 | NoSchedule | false",
        "b   | Exists | -  | -          | a | 1 | NoSchedule | false",
        "a   | Equal  | 1  | NoSchedule | a | 1 | NoSchedule | true",
        "a   | -      | 1  | -          | a | 1 | NoSchedule | true",
        "a   | Equal  | 2  | -          | a | 1 | NoSchedule | false",
        "a   | Equal  | -  | -          | a | - | NoSchedule | true",
        "a   | Gt     | 1  | -          | a | 1 | NoSchedule | false",
    })
    void tolerationsMatchTaintsAsTheSchedulerDoes(String key, String operator, String value, String effect, String taintKey, String taintValue,
            String taintEffect, boolean tolerated) {
        Toleration toleration = new TolerationBuilder().withKey(key).withOperator(operator).withValue(value).withEffect(effect).build();
        Taint taint = new TaintBuilder().withKey(taintKey).withValue(taintValue).withEffect(taintEffect).build();
        assertThat(ProbeNodes.tolerates(toleration, taint)).isEqualTo(tolerated);
    }

    @Test
    void theSampleSkipsNodesTheSchedulerWouldNotUseAndIsStablePerTopology() {
        var control = new NodeBuilder().withNewMetadata().withName("control").endMetadata().withNewSpec()
                .addNewTaint().withKey("node-role.kubernetes.io/control-plane").withEffect("NoSchedule").endTaint().endSpec().build();
        var cordoned = new NodeBuilder().withNewMetadata().withName("cordoned").endMetadata().withNewSpec().withUnschedulable(true).endSpec().build();
        var workers = new ArrayList<io.fabric8.kubernetes.api.model.Node>(List.of(control, cordoned));
        for (int i = 0; i < 8; i++) {
            workers.add(new NodeBuilder().withNewMetadata().withName("w" + i).endMetadata().build());
        }
        List<String> sample = ProbeNodes.sample(workers, "uid-1", settings);
        assertThat(sample).hasSize(Math.min(settings.maxNodes(), 8)).allMatch(n -> n.startsWith("w")).isSorted();
        java.util.Collections.reverse(workers);
        assertThat(ProbeNodes.sample(workers, "uid-1", settings)).as("whatever the order the informer lists them in").isEqualTo(sample);
    }

    @Test
    void whatARunCannotCoverIsSaidNodeByNodeAndOnlyANodesStateIsAGap() {
        var control = new NodeBuilder().withNewMetadata().withName("control").endMetadata().withNewSpec()
                .addNewTaint().withKey("node-role.kubernetes.io/control-plane").withEffect("NoSchedule").endTaint().endSpec().build();
        var cordoned = new NodeBuilder().withNewMetadata().withName("node2").endMetadata().withNewSpec().withUnschedulable(true).endSpec().build();
        var worker = new NodeBuilder().withNewMetadata().withName("node1").endMetadata().build();
        List<ProbePath> all = List.of(ProbePath.PodToPod, ProbePath.PodToService, ProbePath.ExternalToService, ProbePath.DNS);

        ProbeNodes.Coverage twoWorkers = ProbeNodes.coverage(List.of(control, worker, cordoned), "uid-1", settings, all);
        assertThat(twoWorkers.summary()).isEqualTo("probed on node1 (1 of 3 nodes); not on control (taint node-role.kubernetes.io/control-plane:NoSchedule"
                + " not tolerated by the probe pods), node2 (cordoned (spec.unschedulable))");
        // The trial: a cordoned node's checks vanished (57 -> 39) without a word, and no cross-node path was left.
        assertThat(twoWorkers.gaps()).containsExactly(
                "node node2: cordoned (spec.unschedulable); no probe pod runs there, so pods on it, Services from it and its NodePorts are not checked",
                "pod to pod across nodes: only node1 of 3 nodes can run probe pods");

        var notReady = new NodeBuilder(worker).withNewStatus().addNewCondition().withType("Ready").withStatus("False").endCondition().endStatus()
                .editMetadata().withName("node3").endMetadata().build();
        var other = new NodeBuilder(worker).editMetadata().withName("node4").endMetadata().build();
        assertThat(ProbeNodes.coverage(List.of(worker, other, notReady), "uid-1", settings, all).gaps())
                .containsExactly("node node3: not Ready; no probe pod runs there, so pods on it, Services from it and its NodePorts are not checked");
        // By configuration (a taint the probes do not tolerate) or by nature (one node), nothing promised goes unchecked.
        assertThat(ProbeNodes.coverage(List.of(control, worker, other), "uid-1", settings, all).gaps()).isEmpty();
        assertThat(ProbeNodes.coverage(List.of(worker), "uid-1", settings, all).gaps()).isEmpty();
        assertThat(ProbeNodes.coverage(List.of(worker, cordoned), "uid-1", settings, List.of(ProbePath.DNS)).gaps())
                .as("DNS checks do not depend on where they run").isEmpty();
    }

    @Test
    void everyCheckPassingWithAGapIsVerifiedWithGapsNotAllPathsVerified() {
        CheckStatus passed = new CheckStatus();
        passed.setId("svc-ip-web-80");
        passed.setResult(CheckStatus.Result.Passed);
        ConnectivityStatus status = new ConnectivityStatus();
        status.setChecks(List.of(passed));
        status.setSummary("1/1 passed");
        assertThat(ConnectivityReport.verdict(status, true, 2, null).reason()).isEqualTo("AllPathsVerified");
        status.setNotChecked(List.of("pod to pod across nodes: only node1 of 2 nodes can run probe pods"));
        ConnectivityReport.Verdict verdict = ConnectivityReport.verdict(status, true, 2, null);
        assertThat(verdict.status()).isEqualTo("True");
        assertThat(verdict.reason()).isEqualTo("VerifiedWithGaps");
        assertThat(verdict.message()).isEqualTo("1/1 passed; not checked: pod to pod across nodes: only node1 of 2 nodes can run probe pods");
    }

    private static NetworkTopology topology() {
        NetworkTopology topology = Topologies.topology("shop", "shop", Topologies.clusterIp("web"));
        topology.getMetadata().setUid("uid-1");
        topology.getMetadata().setGeneration(1L);
        return topology;
    }

    private ProbePlan.Targets targets(ProbeRun.Echoes servers) {
        var web = new ServiceBuilder().withNewMetadata().withName("web").withNamespace("shop").endMetadata().withNewSpec().withClusterIP("10.96.0.10")
                .addNewPort().withPort(80).endPort().endSpec().build();
        return new ProbePlan.Targets(Map.of("web", web), Map.of(), Map.of(), List.of(), servers.pods(), "10.96.0.99", settings.echoPort(),
                servers.hosts(), settings.hostEchoPort(), List.of(), "cluster.local", Map.of(), null, null, Map.of(), null);
    }

    private static Pod running(Pod pod, String ip) {
        Pod copy = new io.fabric8.kubernetes.api.model.PodBuilder(pod).build();
        copy.setStatus(FakeKubelet.runningAndReady(ip, "192.168.0.1"));
        return copy;
    }

    private static Pod reported(Pod pod) {
        List<ProbeResult> results = ProbePods.plannedChecks(pod).stream().map(c -> new ProbeResult(c.id(), ProbeResult.PASSED, 3L, "ok")).toList();
        Pod copy = new io.fabric8.kubernetes.api.model.PodBuilder(pod).build();
        copy.setStatus(FakeKubelet.reported(0, ProbeRunner.report(results), "10.244.1.9"));
        assertThat(Role.of(copy)).isEqualTo(Role.client);
        return copy;
    }
}
