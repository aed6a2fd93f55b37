package io.networktopology.probe;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.networktopology.api.v1alpha1.ConnectivityStatus;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.ProbesSpec;
import io.networktopology.api.v1alpha1.ProbesSpec.ProbePath;
import io.networktopology.model.ChildLabels;
import io.networktopology.probe.ProbePods.Role;
import io.networktopology.status.ConnectivityReport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One probe run of a topology as a state machine: plan → pods → reports → results. It decides what comes next from
 * the run's pods as the cache shows them and says which objects to create; it never talks to the API
 * ({@link ProbeRuns} does, and tells it what was created or refused).
 * <ol>
 * <li>{@link #firstObjects}: the echo pods on the sampled nodes, the local (container-to-container) pod, the run's echo
 *     Service and, with NodeToNode, hostNetwork echo pods;</li>
 * <li>{@link #next} says {@link StartClients} once the echo pods are up (or half the run deadline passed), and
 *     {@link #clients} plans the client pods from what the cluster assigned;</li>
 * <li>{@link #next} says {@link Finish} when every reporting pod finished (or the deadline passed), with every planned
 *     check's outcome: from the reports, or failed or skipped with the reason there is none.</li>
 * </ol>
 * The run's pods are the record of a run (labels, start time, planned checks in their spec), so a restarted operator
 * {@link #adopt}s it; what this object remembers only bridges the moments the cache lags behind the operator's writes.
 */
public final class ProbeRun {

    /**
     * The characters of a failure's message each check keeps room for in its pod's 4 KiB report (with its id and the
     * JSON around it): so that when every check of a pod fails (its Gateway gone), each still says why. At most 23
     * checks per pod; long ids (a route's host and path) mean fewer.
     */
    static final int FAILURE_ROOM = 120;

    /** What the run needs next. */
    public sealed interface Next permits Wait, StartClients, Finish {
    }

    /** Nothing to do until something changes, or this long at most. */
    public record Wait(Duration recheck) implements Next {
    }

    /** Plan and create the client pods now. */
    public record StartClients() implements Next {
    }

    /** The run is over: every planned check with its outcome. */
    public record Finish(List<ConnectivityReport.Outcome> outcomes) implements Next {
    }

    /** The echo servers that are up (pods and host), and a preset result for each check that needed one that is not. */
    public record Echoes(List<ProbePlan.EchoTarget> pods, List<ProbePlan.EchoTarget> hosts, List<ProbePods.Preset> podPresets,
            List<ProbePods.Preset> hostPresets) {
    }

    private final String runId;
    private final Instant started;
    private final String request;
    private final Long generation;
    private final List<ConnectivityReport.Outcome> refused = new CopyOnWriteArrayList<>();
    private volatile boolean clientsStarted;
    private final Set<String> echoes = ConcurrentHashMap.newKeySet();
    private final Map<String, List<ProbeCheck>> planned = new ConcurrentHashMap<>();

    /**
     * @param request    the probe-now annotation value it answers
     * @param generation the topology generation it probes (null: unknown, so a run follows)
     */
    private ProbeRun(String runId, Instant started, String request, Long generation) {
        this.runId = runId;
        this.started = started;
        this.request = request;
        this.generation = generation;
    }

    /** A new run starting now; its id differs from the last reported run's (pods, the echo Service and status name runs by it). */
    public static ProbeRun start(Instant now, ConnectivityStatus previous, String request, Long generation) {
        Instant started = now;
        while (ProbePods.runId(started).equals(previous == null ? null : previous.getLastRunId())) {
            started = started.plusMillis(1);
        }
        return new ProbeRun(ProbePods.runId(started), started, request, generation);
    }

    /** After a restart: the newest run whose pods are still there and that was not already reported, or null. */
    public static ProbeRun adopt(List<Pod> pods, String reported, String request) {
        return pods.stream()
                .filter(p -> runId(p) != null && !runId(p).equals(reported))
                .max(Comparator.comparing(ProbeRun::runId))
                .map(p -> {
                    // The generation it probed is not recorded on the pods: assume an older one, so that a run follows.
                    ProbeRun adopted = new ProbeRun(runId(p), started(p), request, null);
                    pods.stream().filter(pod -> adopted.runId.equals(runId(pod))).forEach(pod -> {
                        adopted.created(pod);
                        adopted.clientsStarted |= Role.of(pod) != null && Role.of(pod).reports() && Role.of(pod) != Role.local;
                    });
                    return adopted;
                })
                .orElse(null);
    }

    /**
     * How long until a run is due: now (zero or less) when none ran, the spec or the probe-now request changed, or the
     * interval (plus its {@link #jitter}) passed since the last run finished.
     */
    public static Duration untilDue(NetworkTopology topology, ConnectivityStatus previous, String request, ProbesSpec probes, Instant now) {
        if (previous == null || previous.getLastRun() == null) {
            return Duration.ZERO;
        }
        if (request != null && !request.equals(previous.getLastRequest())) {
            return Duration.ZERO;
        }
        if (!Objects.equals(previous.getObservedGeneration(), topology.getMetadata().getGeneration())) {
            return Duration.ZERO;
        }
        Duration interval = probes.intervalDuration();
        return Duration.between(now, Instant.parse(previous.getLastRun()).plus(interval).plus(jitter(topology, previous.getLastRunId(), interval)));
    }

    /**
     * Up to a tenth of the interval, the same for a run and different from one topology (and run) to the next: the
     * topologies applied together, and so first probed together, drift apart instead of starting all their probe pods
     * at the same moment every interval.
     */
    static Duration jitter(NetworkTopology topology, String lastRunId, Duration interval) {
        long spread = Math.max(1, interval.toMillis() / 10);
        return Duration.ofMillis(Math.floorMod(Objects.hash(topology.getMetadata().getUid(), topology.getMetadata().getName(), lastRunId), spread));
    }

    /** The more recent of two connectivity statuses (by when their run finished). */
    public static ConnectivityStatus newest(ConnectivityStatus a, ConnectivityStatus b) {
        if (a == null || a.getLastRun() == null) {
            return b != null ? b : a;
        }
        if (b == null || b.getLastRun() == null) {
            return a;
        }
        return Instant.parse(b.getLastRun()).isAfter(Instant.parse(a.getLastRun())) ? b : a;
    }

    /** The objects that start the run, on the sampled nodes (none: one unpinned pod each). */
    public List<HasMetadata> firstObjects(ProbePods pods, NetworkTopology topology, OwnerReference owner, List<ProbePath> paths, List<String> nodes) {
        List<HasMetadata> objects = new ArrayList<>();
        List<String> targets = nodes.isEmpty() ? Collections.singletonList(null) : nodes;
        if (paths.contains(ProbePath.PodToPod) || paths.contains(ProbePath.PodToService)) {
            for (int i = 0; i < targets.size(); i++) {
                objects.add(pods.echo(topology, owner, runId, started, i, targets.get(i)));
            }
        }
        if (paths.contains(ProbePath.PodToService)) {
            objects.add(pods.echoService(topology, owner, runId, started));
            if (ProbePlan.declaresClientIpAffinity(topology)) {
                objects.add(pods.affinityService(topology, owner, runId, started));
            }
        }
        if (paths.contains(ProbePath.NodeToNode)) {
            for (int i = 0; i < targets.size(); i++) {
                objects.add(pods.hostEcho(topology, owner, runId, started, i, targets.get(i)));
            }
            if (checksLocalTraffic(topology, paths)) {
                objects.add(pods.localService(topology, owner, runId, started));
            }
        }
        if (paths.contains(ProbePath.ContainerToContainer)) {
            objects.add(pods.local(topology, owner, runId, started));
        }
        return objects;
    }

    /**
     * Whether the run checks {@code externalTrafficPolicy: Local} (its echo pods behind a Local NodePort, asked from
     * hostNetwork clients): the topology declares it, and the run has both.
     */
    public static boolean checksLocalTraffic(NetworkTopology topology, List<ProbePath> paths) {
        return paths.contains(ProbePath.NodeToNode) && paths.contains(ProbePath.ExternalToService)
                && (paths.contains(ProbePath.PodToPod) || paths.contains(ProbePath.PodToService))
                && !ProbePlan.localTrafficServices(topology).isEmpty();
    }

    /** What comes next, from the run's pods in the cache (one the cache does not show yet counts as not there yet). */
    public Next next(List<Pod> runPods, Duration runDeadline, Instant now) {
        Instant deadline = started.plus(runDeadline);
        boolean clientsCreated = clientsStarted || runPods.stream().anyMatch(p -> Role.of(p) == Role.client || Role.of(p) == Role.node_client);
        if (!clientsCreated) {
            boolean allUp = echoes.stream().allMatch(name -> runPods.stream().anyMatch(p -> p.getMetadata().getName().equals(name) && ProbeReports.up(p)));
            Instant giveUp = giveUp(runDeadline);
            return !allUp && now.isBefore(giveUp) ? new Wait(Duration.between(now, giveUp)) : new StartClients();
        }
        List<Pod> reporters = runPods.stream().filter(p -> Role.of(p) != null && Role.of(p).reports()).toList();
        boolean done = planned.keySet().stream().allMatch(name -> reporters.stream().anyMatch(p -> p.getMetadata().getName().equals(name)
                && (ProbeReports.report(p) != null || ProbeReports.finishedWithoutReport(p))));
        if (!done && now.isBefore(deadline)) {
            return new Wait(Duration.between(now, deadline));
        }
        List<ConnectivityReport.Outcome> outcomes = new ArrayList<>(refused);
        for (Map.Entry<String, List<ProbeCheck>> entry : planned.entrySet()) {
            Pod pod = reporters.stream().filter(p -> p.getMetadata().getName().equals(entry.getKey())).findFirst().orElse(null);
            if (pod != null) {
                outcomes.addAll(ProbeReports.outcomes(pod, now, started));
            } else {
                for (ProbeCheck check : entry.getValue()) {
                    outcomes.add(ProbeReports.outcome(check, new ProbeResult(check.id(), ProbeResult.FAILED, null,
                            "probe pod " + entry.getKey() + " disappeared before it reported")));
                }
            }
        }
        return new Finish(outcomes);
    }

    /** Until when the run waits for what its client pods need (echo pods up, the echo Service's address) before starting them. */
    public Instant giveUp(Duration runDeadline) {
        return started.plus(runDeadline.dividedBy(2));
    }

    /**
     * The run's Service checks that cannot be planned (no echo pod came up, an echo Service without ClusterIP; for
     * session affinity also a single echo pod): reported as not run with why, never left out — a check that vanishes
     * reads as a topology with less to prove.
     */
    public static List<ProbePods.Preset> serviceChecksNotRun(ProbeSettings settings, NetworkTopology topology, String runId, int echoPods,
            ProbePlan.Targets targets, boolean affinity) {
        List<ProbePods.Preset> presets = new ArrayList<>();
        int n = Math.max(1, echoPods);
        String noPod = "no echo pod of the run came up";
        if (echoPods == 0 || targets.echoService() == null) {
            presets.add(notRun(ProbePlan.loadBalancing(null, settings.echoPort(), n), echoPods == 0 ? noPod
                    : "the run's echo Service " + ProbePods.echoServiceName(topology, runId) + " has no ClusterIP"));
        }
        if (affinity && (echoPods < 2 || targets.affinityService() == null)) {
            ProbeCheck check = ProbePlan.sessionAffinity(null, settings.echoPort(), n);
            presets.add(echoPods == 0 ? notRun(check, noPod) : echoPods == 1
                    // Any Service keeps a client on its one pod: nothing to prove, and nothing pending either.
                    ? new ProbePods.Preset(check, new ProbeResult(check.id(), ProbeResult.SKIPPED, null, ProbeResult.NOT_APPLICABLE
                            + "one echo pod came up; affinity needs two to show"))
                    : notRun(check, "the run's echo Service " + ProbePods.affinityServiceName(topology, runId) + " has no ClusterIP"));
        }
        return presets;
    }

    private static ProbePods.Preset notRun(ProbeCheck check, String why) {
        return new ProbePods.Preset(check, new ProbeResult(check.id(), ProbeResult.SKIPPED, null, ConnectivityReport.NOT_RUN + why));
    }

    /** How long after the clients started to look again: until the deadline (at least a second). */
    public Duration untilDeadline(Duration runDeadline, Instant now) {
        Duration left = Duration.between(now, started.plus(runDeadline));
        return left.isNegative() ? Duration.ofSeconds(1) : left;
    }

    /** The echo servers of the run that are up, and for each one that is not, the check it would have served, skipped with why. */
    public Echoes echoes(List<Pod> runPods, ProbeSettings settings, Instant now) {
        Echoes result = new Echoes(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (Pod pod : runPods) {
            Role role = Role.of(pod);
            if (role != Role.echo && role != Role.host_echo) {
                continue;
            }
            String name = pod.getMetadata().getName();
            String pinned = pod.getSpec().getNodeName() != null ? pod.getSpec().getNodeName() : ProbePods.pinnedNode(pod);
            // Checks are named by node (stable across runs); an unpinned echo pod by its index.
            String node = pinned != null ? pinned : "echo-" + name.substring(name.lastIndexOf('-') + 1);
            if (ProbeReports.up(pod)) {
                String ip = role == Role.echo || pod.getStatus().getHostIP() == null ? pod.getStatus().getPodIP() : pod.getStatus().getHostIP();
                (role == Role.echo ? result.pods() : result.hosts()).add(new ProbePlan.EchoTarget(name, node, ip));
            } else {
                String id = (role == Role.echo ? "pod-to-pod-" : "node-to-node-") + node;
                ProbeCheck check = role == Role.echo
                        ? ProbeCheck.tcp(id, null, settings.echoPort()).on(ProbePath.PodToPod.name(), "probe client pod", "echo pod " + name + " on " + node)
                        : ProbeCheck.tcp(id, null, settings.hostEchoPort()).on(ProbePath.NodeToNode.name(), "a node", "node " + node);
                (role == Role.echo ? result.podPresets() : result.hostPresets()).add(new ProbePods.Preset(check,
                        new ProbeResult(id, ProbeResult.SKIPPED, null, ConnectivityReport.NOT_RUN + ProbeReports.problem(pod, now, started))));
            }
        }
        return result;
    }

    /**
     * The checks in pod-sized batches, in order: no more than fit in a report with {@link #FAILURE_ROOM} characters of
     * message each. None for no checks.
     */
    static List<List<ProbeCheck>> batches(List<ProbeCheck> checks) {
        List<List<ProbeCheck>> batches = new ArrayList<>();
        int from = 0;
        int bytes = 0;
        for (int i = 0; i < checks.size(); i++) {
            // 50: {"id":"","r":"F","ms":123456,"m":" …"}, and a few escaped quotes; the id as UTF-8.
            int room = checks.get(i).id().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 50 + FAILURE_ROOM;
            if (i > from && bytes + room > ProbeRunner.MAX_REPORT_BYTES - 64) { // 64: the report's envelope
                batches.add(checks.subList(from, i));
                from = i;
                bytes = 0;
            }
            bytes += room;
        }
        if (from < checks.size()) {
            batches.add(checks.subList(from, checks.size()));
        }
        return batches;
    }

    /**
     * The client pods: one on each node with an echo pod up (the first also checks DNS and the entry points), so that
     * pod to pod crosses nodes and a node whose Service routing broke shows as that node; several for a large plan, so
     * that each report stays detailed within 4 KiB; and with NodeToNode a hostNetwork client on each node with a host
     * echo pod.
     */
    public List<Pod> clients(ProbePods pods, NetworkTopology topology, OwnerReference owner, List<ProbePath> paths, Echoes up,
            ProbePlan.Targets targets) {
        List<Pod> clients = new ArrayList<>();
        List<ProbePath> clientPaths = paths.stream().filter(p -> p != ProbePath.ContainerToContainer && p != ProbePath.NodeToNode).toList();
        if (!clientPaths.isEmpty()) {
            List<String> fromNodes = pinnedNodes(up.pods());
            String first = fromNodes.size() > 1 ? fromNodes.get(0) : null;
            List<ProbeCheck> checks = ProbePlan.client(topology, targets, clientPaths, first).stream()
                    .map(c -> first == null ? c : c.on(c.network(), c.from() + " on " + first, c.to())).toList();
            int index = 0;
            List<List<ProbeCheck>> batches = batches(checks);
            for (List<ProbeCheck> batch : batches.isEmpty() ? List.of(List.<ProbeCheck>of()) : batches) {
                clients.add(pods.client(topology, owner, runId, started, index, batch, index == 0 ? up.podPresets() : List.of(), false, first));
                index++;
            }
            for (String node : first == null ? List.<String>of() : fromNodes.subList(1, fromNodes.size())) {
                for (List<ProbeCheck> batch : batches(ProbePlan.fromNode(topology, targets, clientPaths, node))) {
                    clients.add(pods.client(topology, owner, runId, started, index++, batch, List.of(), false, node));
                }
            }
        }
        if (paths.contains(ProbePath.NodeToNode)) {
            // Node to node in every direction: the first node's checks named by target, the others' also by their source.
            List<String> hostNodes = pinnedNodes(up.hosts());
            if (hostNodes.size() < 2) {
                String from = up.hosts().isEmpty() ? null : up.hosts().get(0).node();
                clients.add(pods.client(topology, owner, runId, started, 0, ProbePlan.nodeClient(targets, from == null ? "a node" : from),
                        up.hostPresets(), true, from == null || from.startsWith("echo-") ? null : from));
            } else {
                for (int i = 0; i < hostNodes.size(); i++) {
                    String from = hostNodes.get(i);
                    boolean firstNode = i == 0;
                    List<ProbeCheck> checks = new ArrayList<>(ProbePlan.nodeClient(targets, from));
                    if (paths.contains(ProbePath.ExternalToService)) {
                        checks.addAll(ProbePlan.localTraffic(topology, targets, from));
                    }
                    checks = checks.stream().map(c -> firstNode ? c : ProbePlan.fromNode(c, from)).toList();
                    clients.add(pods.client(topology, owner, runId, started, i, checks, firstNode ? up.hostPresets() : List.of(), true, from));
                }
            }
        }
        return clients;
    }

    /** The nodes the echo pods were pinned to (not echo-N: unpinned), by name: the same first node in every run. */
    private static List<String> pinnedNodes(List<ProbePlan.EchoTarget> echoes) {
        return echoes.stream().map(ProbePlan.EchoTarget::node).filter(n -> !n.startsWith("echo-")).distinct().sorted().toList();
    }

    /** The API created this object of the run: a reporting pod's checks are now expected, an echo pod waited for. */
    public void created(HasMetadata object) {
        if (object instanceof Pod pod && Role.of(pod) != null) {
            if (Role.of(pod).reports()) {
                planned.put(pod.getMetadata().getName(), ProbePods.plannedChecks(pod));
            } else {
                echoes.add(pod.getMetadata().getName());
            }
        }
    }

    /** The API refused this object: the checks that needed it fail with the API's reason. */
    public void refused(HasMetadata object, String message) {
        refused.add(ProbeReports.refused(object, message));
    }

    public void clientsStarted() {
        clientsStarted = true;
    }

    /** Why some of the run's checks could not even start, or null. */
    public String refusals() {
        return refused.isEmpty() ? null : refused.size() + " probe object(s) could not be created";
    }

    public String runId() {
        return runId;
    }

    public Instant started() {
        return started;
    }

    public String request() {
        return request;
    }

    public Long generation() {
        return generation;
    }

    /** The run a probe pod belongs to, or null. */
    public static String runId(Pod pod) {
        return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(ChildLabels.PROBE_RUN);
    }

    private static Instant started(Pod pod) {
        try {
            return Instant.parse(pod.getMetadata().getAnnotations().get(ProbePods.STARTED_ANNOTATION));
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }
}
