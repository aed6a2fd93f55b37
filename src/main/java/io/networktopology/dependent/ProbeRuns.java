package io.networktopology.dependent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.networktopology.api.v1alpha1.ConnectivityStatus;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.ProbesSpec;
import io.networktopology.api.v1alpha1.ProbesSpec.ProbePath;
import io.networktopology.model.ChildLabels;
import io.networktopology.probe.ProbeCheck;
import io.networktopology.probe.ProbePlan;
import io.networktopology.probe.ProbePods;
import io.networktopology.probe.ProbePods.Role;
import io.networktopology.probe.ProbeResult;
import io.networktopology.probe.ProbeSettings;
import io.networktopology.status.ConnectivityReport;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a topology's connectivity probes, one step per reconcile, without ever blocking one:
 * <ol>
 * <li>when a run is due (never ran, spec changed, interval passed, or the probe-now annotation changed): create the
 *     echo pods on a sample of nodes, the local (container-to-container) pod, the run's echo Service and, with
 *     NodeToNode, hostNetwork echo pods;</li>
 * <li>when the echo pods are up (or half the run deadline passed): plan the checks from what the cluster assigned and
 *     create the client pods, which run them;</li>
 * <li>when every reporting pod finished (or the deadline passed): read each report from its termination message,
 *     fail the checks of pods that never reported with the reason (unschedulable, image pull, deadline), delete the
 *     run's pods and Service, and merge the results into status.connectivity.</li>
 * </ol>
 * The run's pods are the record of a run (labels, start time, planned checks in their spec), so a restarted operator
 * picks up where it was; memory only bridges the moments the informer cache lags behind the operator's own writes.
 */
public final class ProbeRuns {

    /** Annotation on a topology: any new value starts a probe run now. */
    public static final String PROBE_NOW_ANNOTATION = "networktopology.io/probe-now";

    private static final Logger LOG = Logger.getLogger(ProbeRuns.class);
    /** Checks per client pod: enough to keep each report detailed within the 4 KiB termination message. */
    static final int MAX_CHECKS_PER_POD = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProbeSettings settings;
    private final ProbePods pods;
    private final Map<String, Active> active = new ConcurrentHashMap<>();
    /** The last finished run's results per topology (its id too): they bridge a cache that does not show them yet. */
    private final Map<String, ConnectivityStatus> lastResult = new ConcurrentHashMap<>();

    /**
     * A run in progress: its id, when it started, the probe-now value it answers, the generation it probes, the checks
     * that failed because their pod could not even be created (admission refused it, quota, ...), the echo pods it
     * created, and the reporting pods it created with their checks — so that a cache that does not show them yet is
     * waited for, and a pod that disappears fails its checks instead of dropping them.
     */
    private record Active(String runId, Instant started, String request, Long generation, List<ConnectivityReport.Outcome> refused,
            java.util.concurrent.atomic.AtomicBoolean clientsStarted, java.util.Set<String> echoes,
            Map<String, List<ProbeCheck>> planned) {
        Active(String runId, Instant started, String request, Long generation) {
            this(runId, started, request, generation, new java.util.concurrent.CopyOnWriteArrayList<>(),
                    new java.util.concurrent.atomic.AtomicBoolean(), ConcurrentHashMap.newKeySet(), new ConcurrentHashMap<>());
        }
    }

    /**
     * @param connectivity   the connectivity status to report (the new one when a run just finished)
     * @param runInProgress  the id of the run in progress, or null
     * @param recheck        when to look again even if nothing happens, or null
     * @param finishedRun    the run that just finished (for Events and metrics), or null
     * @param writes         objects created or deleted
     */
    public record Outcome(ConnectivityStatus connectivity, String runInProgress, Duration recheck, ConnectivityReport.Run finishedRun,
            int writes) {
    }

    /** When the operator last wrote the CoreDNS configuration; CoreDNS serves it some time later. */
    private volatile Instant corefileWritten;

    /** The operator changed the CoreDNS configuration now: checks of its DNS entries get time to see it served. */
    public void corefileWritten(Instant when) {
        corefileWritten = when;
    }

    /**
     * How long, from now, CoreDNS may still need to serve the last change; no longer than a client pod started now has
     * before the run's deadline (less time to start and report).
     */
    Duration dnsSettling(Instant now, Instant runStarted) {
        Instant written = corefileWritten;
        if (written == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, written.plus(settings.dnsPropagation()));
        Duration cap = Duration.between(now, runStarted.plus(settings.runDeadline()).minusSeconds(20));
        return left.isNegative() ? Duration.ZERO : left.compareTo(cap) > 0 ? cap : left;
    }

    public ProbeRuns(ProbeSettings settings) {
        this.settings = settings;
        this.pods = new ProbePods(settings);
    }

    public static InformerEventSource<Pod, NetworkTopology> eventSource(EventSourceContext<NetworkTopology> context) {
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, NetworkTopology.class)
                .withName("probe-pods")
                .withLabelSelector(ChildLabels.SELECTOR + "," + ChildLabels.PROBE_RUN)
                .withSecondaryToPrimaryMapper(OwnedChildren.byTopologyLabel())
                .build(), context);
    }

    /** Whether this topology is probed at all. */
    public boolean probing(NetworkTopology topology) {
        ProbesSpec probes = topology.getSpec().getProbes();
        return settings.enabled() && (probes == null || probes.isOn());
    }

    /** What is known of the topology's connectivity: its status, or the last run's results when the cache lags behind them. */
    public ConnectivityStatus known(NetworkTopology topology) {
        ConnectivityStatus status = topology.getStatus() == null ? null : topology.getStatus().getConnectivity();
        return newest(status, lastResult.get(topology.getMetadata().getUid()));
    }

    public Outcome step(NetworkTopology topology, Context<NetworkTopology> context, Map<String, Service> services,
            Map<String, Ingress> ingresses, Instant now) {
        String uid = topology.getMetadata().getUid();
        KubernetesClient client = context.getClient();
        List<Pod> mine = context.getSecondaryResources(Pod.class).stream()
                .filter(p -> OwnedChildren.isOwnedBy(p, topology) && p.getMetadata().getDeletionTimestamp() == null)
                .toList();
        if (!probing(topology)) {
            active.remove(uid);
            lastResult.remove(uid);
            return new Outcome(null, null, null, null, deleteRuns(client, topology, mine, Set.of()));
        }
        ProbesSpec probes = topology.getSpec().getProbes() == null ? new ProbesSpec() : topology.getSpec().getProbes();
        ConnectivityStatus previous = known(topology);
        Active run = active.get(uid);
        if (run == null) {
            run = adopt(topology, mine, previous);
        }
        String current = run == null ? null : run.runId();
        List<Pod> leftovers = mine.stream().filter(p -> !Objects.equals(runId(p), current)).toList();
        int writes = deleteRuns(client, topology, leftovers, Set.of());
        if (run == null) {
            String request = annotation(topology);
            Duration untilDue = untilDue(topology, previous, request, probes, now);
            if (!untilDue.isNegative() && !untilDue.isZero()) {
                return new Outcome(previous, null, untilDue, null, writes);
            }
            Instant started = now;
            while (ProbePods.runId(started).equals(previous == null ? null : previous.getLastRunId())) {
                started = started.plusMillis(1); // run ids must differ: pods, the echo Service and status name runs by them
            }
            run = new Active(ProbePods.runId(started), started, request, topology.getMetadata().getGeneration());
            active.put(uid, run);
            writes += start(topology, run, probes.effectivePaths(), context);
            return new Outcome(previous, run.runId(), settings.runDeadline().dividedBy(2), null, writes);
        }
        String runId = run.runId();
        List<Pod> runPods = mine.stream().filter(p -> runId.equals(runId(p))).toList();
        Instant deadline = run.started().plus(settings.runDeadline());
        boolean clientsCreated = run.clientsStarted().get()
                || runPods.stream().anyMatch(p -> Role.of(p) == Role.client || Role.of(p) == Role.node_client);
        if (!clientsCreated) {
            // Every echo pod this run created must be in the cache and up (a lagging cache is not "all up").
            boolean allUp = run.echoes().stream().allMatch(name -> runPods.stream()
                    .anyMatch(p -> p.getMetadata().getName().equals(name) && up(p)));
            Instant giveUp = run.started().plus(settings.runDeadline().dividedBy(2));
            if (!allUp && now.isBefore(giveUp)) {
                return new Outcome(previous, runId, Duration.between(now, giveUp), null, writes);
            }
            writes += startClients(topology, run, runPods, probes.effectivePaths(), context, services, ingresses, now);
            run.clientsStarted().set(true);
            return new Outcome(previous, runId, Duration.between(now, deadline).isNegative() ? Duration.ofSeconds(1)
                    : Duration.between(now, deadline), null, writes);
        }
        List<Pod> reporters = runPods.stream().filter(p -> Role.of(p) != null && Role.of(p).reports()).toList();
        // Done when every reporting pod this run created has reported; one the cache does not show yet is not done.
        boolean done = run.planned().keySet().stream().allMatch(name -> reporters.stream()
                .anyMatch(p -> p.getMetadata().getName().equals(name) && (report(p) != null || finishedWithoutReport(p))));
        if (!done && now.isBefore(deadline)) {
            return new Outcome(previous, runId, Duration.between(now, deadline), null, writes);
        }
        List<ConnectivityReport.Outcome> outcomes = new ArrayList<>(run.refused());
        for (Map.Entry<String, List<ProbeCheck>> planned : run.planned().entrySet()) {
            Pod pod = reporters.stream().filter(p -> p.getMetadata().getName().equals(planned.getKey())).findFirst().orElse(null);
            if (pod != null) {
                outcomes.addAll(outcomes(pod, now, run.started()));
            } else {
                for (ProbeCheck check : planned.getValue()) {
                    outcomes.add(new ConnectivityReport.Outcome(check, new ProbeResult(check.id(), ProbeResult.FAILED, null,
                            "probe pod " + planned.getKey() + " disappeared before it reported")));
                }
            }
        }
        writes += deleteRuns(client, topology, runPods, Set.of(runId));
        active.remove(uid);
        String message = run.refused().isEmpty() ? null : run.refused().size() + " probe object(s) could not be created";
        // The generation the run was planned for: a spec changed meanwhile is probed by the next run, right away.
        ConnectivityReport.Run result = ConnectivityReport.merge(previous, outcomes, now, runId, run.generation(), run.request(), message);
        lastResult.put(uid, result.status());
        return new Outcome(result.status(), null, probes.intervalDuration(), result, writes);
    }

    /** Pods and run state of a deleted topology (its pods are garbage-collected too; the mock API does not). */
    public int forget(NetworkTopology topology, Context<NetworkTopology> context) {
        String uid = topology.getMetadata().getUid();
        active.remove(uid);
        lastResult.remove(uid);
        List<Pod> mine = context.getSecondaryResources(Pod.class).stream().filter(p -> OwnedChildren.isOwnedBy(p, topology)).toList();
        return deleteRuns(context.getClient(), topology, mine, Set.of());
    }

    /** After a restart: the newest run whose pods are still there and that was not already reported. */
    private Active adopt(NetworkTopology topology, List<Pod> mine, ConnectivityStatus previous) {
        String reported = previous == null ? null : previous.getLastRunId();
        return mine.stream()
                .filter(p -> runId(p) != null && !runId(p).equals(reported))
                .max(Comparator.comparing(ProbeRuns::runId))
                .map(p -> {
                    // The generation it probed is not recorded on the pods: assume an older one, so that a run follows.
                    Active adopted = new Active(runId(p), started(p), annotation(topology), null);
                    for (Pod pod : mine) {
                        Role role = Role.of(pod);
                        if (!runId(p).equals(runId(pod)) || role == null) {
                            continue;
                        }
                        if (role.reports()) {
                            adopted.planned().put(pod.getMetadata().getName(), ProbePods.plannedChecks(pod));
                            adopted.clientsStarted().compareAndSet(false, role != Role.local);
                        } else {
                            adopted.echoes().add(pod.getMetadata().getName());
                        }
                    }
                    active.put(topology.getMetadata().getUid(), adopted);
                    return adopted;
                })
                .orElse(null);
    }

    /** The more recent of two connectivity statuses (by when their run finished). */
    static ConnectivityStatus newest(ConnectivityStatus a, ConnectivityStatus b) {
        if (a == null || a.getLastRun() == null) {
            return b != null ? b : a;
        }
        if (b == null || b.getLastRun() == null) {
            return a;
        }
        return Instant.parse(b.getLastRun()).isAfter(Instant.parse(a.getLastRun())) ? b : a;
    }

    static Duration untilDue(NetworkTopology topology, ConnectivityStatus previous, String request, ProbesSpec probes, Instant now) {
        if (previous == null || previous.getLastRun() == null) {
            return Duration.ZERO;
        }
        if (request != null && !request.equals(previous.getLastRequest())) {
            return Duration.ZERO;
        }
        if (!Objects.equals(previous.getObservedGeneration(), topology.getMetadata().getGeneration())) {
            return Duration.ZERO;
        }
        Instant due = Instant.parse(previous.getLastRun()).plus(probes.intervalDuration());
        return Duration.between(now, due);
    }

    private static String annotation(NetworkTopology topology) {
        return topology.getMetadata().getAnnotations() == null ? null : topology.getMetadata().getAnnotations().get(PROBE_NOW_ANNOTATION);
    }

    private int start(NetworkTopology topology, Active run, List<ProbePath> paths, Context<NetworkTopology> context) {
        KubernetesClient client = context.getClient();
        OwnerReference owner = OwnedChildren.ownerReference(topology);
        List<HasMetadata> objects = new ArrayList<>();
        List<String> sample = sampleNodes(topology, context);
        // No node visible (an API without Nodes): one unpinned pod.
        List<String> targets = sample.isEmpty() ? java.util.Collections.singletonList(null) : sample;
        if (paths.contains(ProbePath.PodToPod) || paths.contains(ProbePath.PodToService)) {
            for (int i = 0; i < targets.size(); i++) {
                objects.add(pods.echo(topology, owner, run.runId(), run.started(), i, targets.get(i)));
            }
        }
        if (paths.contains(ProbePath.PodToService)) {
            objects.add(pods.echoService(topology, owner, run.runId(), run.started()));
        }
        if (paths.contains(ProbePath.NodeToNode)) {
            for (int i = 0; i < targets.size(); i++) {
                objects.add(pods.hostEcho(topology, owner, run.runId(), run.started(), i, targets.get(i)));
            }
        }
        if (paths.contains(ProbePath.ContainerToContainer)) {
            objects.add(pods.local(topology, owner, run.runId(), run.started()));
        }
        int writes = 0;
        for (HasMetadata object : objects) {
            writes += create(client, topology, object, run);
        }
        return writes;
    }

    private int startClients(NetworkTopology topology, Active run, List<Pod> runPods, List<ProbePath> paths,
            Context<NetworkTopology> context, Map<String, Service> services, Map<String, Ingress> ingresses, Instant now) {
        KubernetesClient client = context.getClient();
        OwnerReference owner = OwnedChildren.ownerReference(topology);
        List<ProbePlan.EchoTarget> echoes = new ArrayList<>();
        List<ProbePlan.EchoTarget> hostEchoes = new ArrayList<>();
        List<ProbePods.Preset> preset = new ArrayList<>();
        List<ProbePods.Preset> nodePreset = new ArrayList<>();
        for (Pod pod : runPods) {
            Role role = Role.of(pod);
            if (role != Role.echo && role != Role.host_echo) {
                continue;
            }
            String name = pod.getMetadata().getName();
            String pinned = pod.getSpec().getNodeName() != null ? pod.getSpec().getNodeName() : ProbePods.pinnedNode(pod);
            // Checks are named by node (stable across runs); an unpinned echo pod by its index.
            String node = pinned != null ? pinned : "echo-" + name.substring(name.lastIndexOf('-') + 1);
            if (up(pod)) {
                ProbePlan.EchoTarget target = new ProbePlan.EchoTarget(name, node,
                        role == Role.echo ? pod.getStatus().getPodIP() : pod.getStatus().getHostIP() != null ? pod.getStatus().getHostIP()
                                : pod.getStatus().getPodIP());
                (role == Role.echo ? echoes : hostEchoes).add(target);
            } else {
                String problem = problem(pod, now, run.started());
                String id = (role == Role.echo ? "pod-to-pod-" : "node-to-node-") + node;
                ProbeCheck check = role == Role.echo
                        ? ProbeCheck.tcp(id, null, settings.echoPort()).on(ProbePath.PodToPod.name(), "probe client pod", "echo pod " + name + " on " + node)
                        : ProbeCheck.tcp(id, null, settings.hostEchoPort()).on(ProbePath.NodeToNode.name(), "a node", "node " + node);
                (role == Role.echo ? preset : nodePreset).add(new ProbePods.Preset(check, new ProbeResult(id, ProbeResult.SKIPPED, null,
                        ConnectivityReport.NOT_RUN + problem)));
            }
        }
        String echoServiceIp = null;
        if (paths.contains(ProbePath.PodToService)) {
            Service echoService = client.services().inNamespace(topology.getMetadata().getNamespace())
                    .withName(ProbePods.echoServiceName(topology, run.runId())).get();
            String ip = echoService == null || echoService.getSpec() == null ? null : echoService.getSpec().getClusterIP();
            echoServiceIp = ip == null || ip.isEmpty() || "None".equals(ip) ? null : ip;
        }
        List<ProbePlan.NodeTarget> nodes = nodeTargets(topology, context);
        ProbePlan.Targets targets = new ProbePlan.Targets(services, EndpointSliceObserver.readyAddresses(context), ingresses, nodes, echoes, echoServiceIp, settings.echoPort(), hostEchoes,
                settings.hostEchoPort(), paths.contains(ProbePath.DNS) ? dnsReplicas(client) : List.of(), settings.clusterDomain(),
                EndpointSliceObserver.readyTargets(context), dnsSettling(now, run.started()));
        int writes = 0;
        List<ProbePath> clientPaths = paths.stream().filter(p -> p != ProbePath.ContainerToContainer && p != ProbePath.NodeToNode).toList();
        if (!clientPaths.isEmpty()) {
            // Several client pods for a large plan: each report stays detailed within 4 KiB, each env var small.
            // One client on each node that has an echo pod up (the first one also checks DNS and the entry points), so
            // that pod to pod crosses nodes and a node whose Service routing broke shows as that node.
            List<String> fromNodes = pinnedNodes(echoes);
            String first = fromNodes.size() > 1 ? fromNodes.get(0) : null;
            List<ProbeCheck> checks = ProbePlan.client(topology, targets, clientPaths, first).stream()
                    .map(c -> first == null ? c : c.on(c.network(), c.from() + " on " + first, c.to())).toList();
            int chunks = Math.max(1, (checks.size() + MAX_CHECKS_PER_POD - 1) / MAX_CHECKS_PER_POD);
            int index = 0;
            for (int i = 0; i < chunks; i++) {
                List<ProbeCheck> chunk = checks.subList(i * MAX_CHECKS_PER_POD, Math.min(checks.size(), (i + 1) * MAX_CHECKS_PER_POD));
                writes += create(client, topology, pods.client(topology, owner, run.runId(), run.started(), index++, chunk,
                        i == 0 ? preset : List.of(), false, first), run);
            }
            for (String node : first == null ? List.<String>of() : fromNodes.subList(1, fromNodes.size())) {
                List<ProbeCheck> more = ProbePlan.fromNode(topology, targets, clientPaths, node);
                for (int i = 0; i < more.size(); i += MAX_CHECKS_PER_POD) {
                    writes += create(client, topology, pods.client(topology, owner, run.runId(), run.started(), index++,
                            more.subList(i, Math.min(more.size(), i + MAX_CHECKS_PER_POD)), List.of(), false, node), run);
                }
            }
        }
        if (paths.contains(ProbePath.NodeToNode)) {
            // A hostNetwork client on each node with a host echo pod: node to node in every direction, the first node's
            // checks named by target, the others' also by where they come from.
            List<String> hostNodes = pinnedNodes(hostEchoes);
            if (hostNodes.size() < 2) {
                String from = hostEchoes.isEmpty() ? null : hostEchoes.get(0).node();
                List<ProbeCheck> checks = ProbePlan.nodeClient(targets, from == null ? "a node" : from);
                writes += create(client, topology, pods.client(topology, owner, run.runId(), run.started(), 0, checks, nodePreset, true,
                        from == null || from.startsWith("echo-") ? null : from), run);
            } else {
                for (int i = 0; i < hostNodes.size(); i++) {
                    String from = hostNodes.get(i);
                    boolean firstNode = i == 0;
                    List<ProbeCheck> checks = ProbePlan.nodeClient(targets, from).stream()
                            .map(c -> firstNode ? c : ProbePlan.fromNode(c, from)).toList();
                    writes += create(client, topology, pods.client(topology, owner, run.runId(), run.started(), i, checks,
                            i == 0 ? nodePreset : List.of(), true, from), run);
                }
            }
        }
        return writes;
    }

    /** The nodes the echo pods were pinned to (not echo-N: unpinned), by name: the same first node in every run. */
    private static List<String> pinnedNodes(List<ProbePlan.EchoTarget> echoes) {
        return echoes.stream().map(ProbePlan.EchoTarget::node).filter(n -> !n.startsWith("echo-")).distinct().sorted().toList();
    }

    /**
     * A node a probe pod can be scheduled on: schedulable, not NotReady, matching the probe node selector, and every
     * NoSchedule/NoExecute taint tolerated by the probe tolerations (a control-plane node usually is not). A pod
     * pinned to a node it cannot run on would be reported as an outage on every run.
     */
    boolean canRunProbes(Node node) {
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            return false;
        }
        boolean notReady = node.getStatus() != null && node.getStatus().getConditions() != null && node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && !"True".equals(c.getStatus()));
        if (notReady) {
            return false;
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        if (!settings.nodeSelector().entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
            return false;
        }
        List<io.fabric8.kubernetes.api.model.Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null
                ? List.of() : node.getSpec().getTaints();
        return taints.stream().filter(t -> "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()))
                .allMatch(t -> settings.tolerations().stream().anyMatch(tol -> tolerates(tol, t)));
    }

    /** Kubernetes' toleration matching: key (empty with Exists: every key), operator Exists or Equal, effect (empty: every). */
    static boolean tolerates(io.fabric8.kubernetes.api.model.Toleration toleration, io.fabric8.kubernetes.api.model.Taint taint) {
        if (toleration.getEffect() != null && !toleration.getEffect().isEmpty() && !toleration.getEffect().equals(taint.getEffect())) {
            return false;
        }
        boolean exists = "Exists".equals(toleration.getOperator());
        if (toleration.getKey() == null || toleration.getKey().isEmpty()) {
            return exists;
        }
        if (!toleration.getKey().equals(taint.getKey())) {
            return false;
        }
        return exists || Objects.equals(Objects.requireNonNullElse(toleration.getValue(), ""), Objects.requireNonNullElse(taint.getValue(), ""));
    }

    /** The nodes a run spreads over: those that can run probe pods, a deterministic per-topology sample of at most maxNodes. */
    private List<String> sampleNodes(NetworkTopology topology, Context<NetworkTopology> context) {
        String seed = topology.getMetadata().getUid() == null ? topology.getMetadata().getName() : topology.getMetadata().getUid();
        return NodeAddresses.nodes(context).stream()
                .filter(this::canRunProbes)
                .map(n -> n.getMetadata().getName())
                .sorted(Comparator.comparing((String name) -> Integer.toUnsignedString((seed + "/" + name).hashCode())).thenComparing(name -> name))
                .limit(settings.maxNodes())
                .sorted()
                .toList();
    }

    private List<ProbePlan.NodeTarget> nodeTargets(NetworkTopology topology, Context<NetworkTopology> context) {
        List<String> sample = sampleNodes(topology, context);
        List<ProbePlan.NodeTarget> targets = new ArrayList<>();
        for (Node node : NodeAddresses.nodes(context)) {
            if (sample.contains(node.getMetadata().getName())) {
                String address = NodeAddresses.preferred(node);
                if (address != null) {
                    targets.add(new ProbePlan.NodeTarget(node.getMetadata().getName(), address, NodeAddresses.internal(node)));
                }
            }
        }
        return targets;
    }

    /** The CoreDNS replicas that are running and ready: each is asked directly. None found: the pod's resolver is asked. */
    private List<ProbePlan.DnsReplica> dnsReplicas(KubernetesClient client) {
        try {
            return client.pods().inNamespace(settings.dnsNamespace()).withLabels(settings.dnsPodLabels()).list().getItems().stream()
                    .filter(ProbeRuns::up)
                    .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                    .map(p -> new ProbePlan.DnsReplica(p.getMetadata().getName(), p.getStatus().getPodIP()))
                    .toList();
        } catch (KubernetesClientException e) {
            LOG.debugf("cannot list CoreDNS pods in %s, asking the probe pod's resolver: %s", settings.dnsNamespace(), e.getMessage());
            return List.of();
        }
    }

    /** Running, with an address, and ready (the echo server's readiness probe passed). */
    static boolean up(Pod pod) {
        if (pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase()) || pod.getStatus().getPodIP() == null) {
            return false;
        }
        List<PodCondition> conditions = pod.getStatus().getConditions() == null ? List.of() : pod.getStatus().getConditions();
        return conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static ContainerStatus probeContainer(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        return pod.getStatus().getContainerStatuses().stream().filter(c -> ProbePods.PROBE_CONTAINER.equals(c.getName())).findFirst().orElse(null);
    }

    /** The report a probe container left in its termination message, or null. */
    static String report(Pod pod) {
        ContainerStatus status = probeContainer(pod);
        if (status == null || status.getState() == null || status.getState().getTerminated() == null) {
            return null;
        }
        String message = status.getState().getTerminated().getMessage();
        return message == null || message.isBlank() ? null : message;
    }

    private static boolean finishedWithoutReport(Pod pod) {
        ContainerStatus status = probeContainer(pod);
        boolean terminated = status != null && status.getState() != null && status.getState().getTerminated() != null;
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return terminated || "Failed".equals(phase) || "Succeeded".equals(phase);
    }

    /** Every planned check of a reporting pod with its result: from the report, else failed with why there is none. */
    private List<ConnectivityReport.Outcome> outcomes(Pod pod, Instant now, Instant started) {
        Map<String, ProbeResult> results = new LinkedHashMap<>();
        boolean unlistedPassed = false;
        String report = report(pod);
        String problem = null;
        if (report != null) {
            try {
                JsonNode json = JSON.readTree(report);
                for (JsonNode check : json.path("checks")) {
                    ProbeResult result = JSON.treeToValue(check, ProbeResult.class);
                    results.put(result.id(), result);
                }
                unlistedPassed = json.path("failedNotListed").asInt(0) == 0 && json.has("passedNotListed");
            } catch (Exception e) {
                problem = "the probe report could not be read: " + e.getMessage();
            }
        } else {
            problem = problem(pod, now, started);
        }
        List<ConnectivityReport.Outcome> outcomes = new ArrayList<>();
        for (ProbePods.Preset preset : ProbePods.presetResults(pod)) {
            outcomes.add(new ConnectivityReport.Outcome(preset.check(), preset.result()));
        }
        for (ProbeCheck check : ProbePods.plannedChecks(pod)) {
            ProbeResult result = results.get(check.id());
            if (result == null) {
                // A pod that never reported says nothing about the network: its checks were not run (and say why).
                result = problem != null ? new ProbeResult(check.id(), ProbeResult.SKIPPED, null, ConnectivityReport.NOT_RUN + problem)
                        : unlistedPassed ? new ProbeResult(check.id(), ProbeResult.PASSED, null, "passed (details left out of the 4 KiB report)")
                        : new ProbeResult(check.id(), ProbeResult.SKIPPED, null, "not in the report (4 KiB limit)");
            }
            outcomes.add(new ConnectivityReport.Outcome(check, result));
        }
        return outcomes;
    }

    /** Why a probe pod has no report, in words a user can act on. */
    static String problem(Pod pod, Instant now, Instant started) {
        long seconds = Duration.between(started, now).toSeconds();
        if (pod.getStatus() == null) {
            return "probe pod " + pod.getMetadata().getName() + " has no status after " + seconds + " s (no kubelet took it)";
        }
        for (PodCondition condition : pod.getStatus().getConditions() == null ? List.<PodCondition>of() : pod.getStatus().getConditions()) {
            if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())) {
                return "probe pod unschedulable: " + (condition.getMessage() != null ? condition.getMessage() : condition.getReason());
            }
        }
        List<ContainerStatus> containers = new ArrayList<>();
        if (pod.getStatus().getInitContainerStatuses() != null) {
            containers.addAll(pod.getStatus().getInitContainerStatuses());
        }
        if (pod.getStatus().getContainerStatuses() != null) {
            containers.addAll(pod.getStatus().getContainerStatuses());
        }
        for (ContainerStatus container : containers) {
            if (container.getState() != null && container.getState().getWaiting() != null
                    && container.getState().getWaiting().getReason() != null
                    && !"ContainerCreating".equals(container.getState().getWaiting().getReason())
                    && !"PodInitializing".equals(container.getState().getWaiting().getReason())) {
                var waiting = container.getState().getWaiting();
                return "probe pod container " + container.getName() + " " + waiting.getReason()
                        + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage());
            }
            if (ProbePods.PROBE_CONTAINER.equals(container.getName()) && container.getState() != null
                    && container.getState().getTerminated() != null) {
                var terminated = container.getState().getTerminated();
                return "probe container exited with code " + terminated.getExitCode() + " without a report"
                        + (terminated.getReason() == null ? "" : " (" + terminated.getReason() + ")");
            }
        }
        String phase = pod.getStatus().getPhase();
        if ("Failed".equals(phase)) {
            return "probe pod failed: " + (pod.getStatus().getReason() == null ? "" : pod.getStatus().getReason() + " ")
                    + Objects.requireNonNullElse(pod.getStatus().getMessage(), "");
        }
        return "probe pod " + (phase == null ? "not started" : phase) + " and without a report after " + seconds + " s (run deadline)";
    }

    private static String runId(Pod pod) {
        return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(ChildLabels.PROBE_RUN);
    }

    private static Instant started(Pod pod) {
        try {
            return Instant.parse(pod.getMetadata().getAnnotations().get(ProbePods.STARTED_ANNOTATION));
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }

    /** Creates a probe object; when the API refuses it, the checks that needed it fail with the API's reason. */
    private static int create(KubernetesClient client, NetworkTopology topology, HasMetadata object, Active run) {
        try {
            client.resource(object).create();
            if (object instanceof Pod pod && Role.of(pod) != null) {
                if (Role.of(pod).reports()) {
                    run.planned().put(pod.getMetadata().getName(), ProbePods.plannedChecks(pod));
                } else {
                    run.echoes().add(pod.getMetadata().getName());
                }
            }
            return 1;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return 0; // created by an earlier step whose write the cache had not shown yet
            }
            String reason = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
            LOG.warnf("%s/%s: could not create probe %s %s: %s", topology.getMetadata().getNamespace(), topology.getMetadata().getName(),
                    object.getKind(), object.getMetadata().getName(), reason);
            run.refused().add(refused(object, "could not create " + object.getKind() + " " + object.getMetadata().getName() + ": " + reason));
            return 0;
        }
    }

    /** The check that stands for a probe object the API refused, named as the checks it would have run are. */
    private static ConnectivityReport.Outcome refused(HasMetadata object, String message) {
        Role role = object instanceof Pod pod ? Role.of(pod) : null;
        String node = object instanceof Pod pod ? ProbePods.pinnedNode(pod) : null;
        String suffix = node != null ? node : object.getMetadata().getName();
        ProbeCheck check;
        if (role == Role.echo) {
            check = ProbeCheck.tcp("pod-to-pod-" + suffix, null, 0).on(ProbePath.PodToPod.name(), "probe client pod", "echo pod on " + suffix);
        } else if (role == Role.host_echo) {
            check = ProbeCheck.tcp("node-to-node-" + suffix, null, 0).on(ProbePath.NodeToNode.name(), "a node", "node " + suffix);
        } else if (role == Role.local) {
            check = ProbeCheck.tcp("container-to-container", null, 0).on(ProbePath.ContainerToContainer.name(), "probe container",
                    "echo container of the same pod over localhost");
        } else if (role == Role.node_client) {
            check = ProbeCheck.tcp("node-to-node-client", null, 0).on(ProbePath.NodeToNode.name(), "a node", "the other nodes");
        } else if (role == Role.client) {
            check = ProbeCheck.tcp("probe-client", null, 0).on("Probe", "the operator", "the probe client pod (every client check)");
        } else {
            check = ProbeCheck.tcp("load-balancing", null, 0).on(ProbePath.PodToService.name(), "probe client pod", "probe echo Service");
        }
        return new ConnectivityReport.Outcome(check, new ProbeResult(check.id(), ProbeResult.FAILED, null, message));
    }

    /** Deletes probe pods, and the echo Services of their runs and of {@code runs}. */
    private static int deleteRuns(KubernetesClient client, NetworkTopology topology, List<Pod> doomed, Set<String> runs) {
        int writes = 0;
        Set<String> all = new java.util.TreeSet<>(runs);
        for (Pod pod : doomed) {
            if (runId(pod) != null) {
                all.add(runId(pod));
            }
            writes += delete(client, pod);
        }
        for (String run : all) {
            writes += deleteEchoService(client, topology, run);
        }
        return writes;
    }

    private static int deleteEchoService(KubernetesClient client, NetworkTopology topology, String runId) {
        Service service = client.services().inNamespace(topology.getMetadata().getNamespace())
                .withName(ProbePods.echoServiceName(topology, runId)).get();
        return service != null && OwnedChildren.isOwnedBy(service, topology) ? delete(client, service) : 0;
    }

    private static int delete(KubernetesClient client, HasMetadata object) {
        try {
            client.resource(object).delete(); // the pod's own short grace period lets the kubelet stop it
            return 1;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return 0;
            }
            throw e;
        }
    }
}
