package io.networktopology.probe;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.networktopology.api.v1alpha1.ConnectivityStatus;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.ProbesSpec;
import io.networktopology.api.v1alpha1.ProbesSpec.ProbePath;
import io.networktopology.dependent.EndpointSliceObserver;
import io.networktopology.dependent.NodeAddresses;
import io.networktopology.dependent.OwnedChildren;
import io.networktopology.model.ChildLabels;
import io.networktopology.model.GatewayListeners;
import io.networktopology.status.ConnectivityReport;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API side of the topologies' probe runs, one step per reconcile, never blocking one: reads the run's pods from the
 * informer, asks the run's state machine ({@link ProbeRun}) what comes next, and creates or deletes what it says —
 * echo pods and Service first, client pods once those are up, and at the end deletes the run's objects and merges
 * the outcomes into status.connectivity. Also reads what planning needs from the cluster (the run's echo Service
 * address, nodes, endpoints, the CoreDNS replicas).
 */
public final class ProbeRuns {

    /** Annotation on a topology: any new value starts a probe run now. */
    public static final String PROBE_NOW_ANNOTATION = "networktopology.io/probe-now";

    private static final Logger LOG = Logger.getLogger(ProbeRuns.class);

    private final ProbeSettings settings;
    private final ProbePods pods;
    private final Map<String, ProbeRun> active = new ConcurrentHashMap<>();
    /** The last finished run's results per topology (its id too): they bridge a cache that does not show them yet. */
    private final Map<String, ConnectivityStatus> lastResult = new ConcurrentHashMap<>();

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
        return ChildLabels.informer(Pod.class, "probe-pods", ChildLabels.PROBE_RUN, context);
    }

    /** Whether this topology is probed at all. */
    public boolean probing(NetworkTopology topology) {
        ProbesSpec probes = topology.getSpec().getProbes();
        return settings.enabled() && (probes == null || probes.isOn());
    }

    /** What is known of the topology's connectivity: its status, or the last run's results when the cache lags behind them. */
    public ConnectivityStatus known(NetworkTopology topology) {
        ConnectivityStatus status = topology.getStatus() == null ? null : topology.getStatus().getConnectivity();
        return ProbeRun.newest(status, lastResult.get(topology.getMetadata().getUid()));
    }

    public Outcome step(NetworkTopology topology, Context<NetworkTopology> context, Map<String, Service> services,
            Map<String, Ingress> ingresses, Map<String, List<GatewayListeners.Listener>> routeListeners, Instant now) {
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
        ProbeRun run = active.computeIfAbsent(uid, u -> ProbeRun.adopt(mine, previous == null ? null : previous.getLastRunId(), annotation(topology)));
        String current = run == null ? null : run.runId();
        int writes = deleteRuns(client, topology, mine.stream().filter(p -> !Objects.equals(ProbeRun.runId(p), current)).toList(), Set.of());
        if (run == null) {
            String request = annotation(topology);
            Duration untilDue = ProbeRun.untilDue(topology, previous, request, probes, now);
            if (!untilDue.isNegative() && !untilDue.isZero()) {
                return new Outcome(previous, null, untilDue, null, writes);
            }
            ProbeRun started = ProbeRun.start(now, previous, request, topology.getMetadata().getGeneration());
            active.put(uid, started);
            List<String> nodes = ProbeNodes.sample(NodeAddresses.nodes(context), seed(topology), settings);
            for (HasMetadata object : started.firstObjects(pods, topology, OwnedChildren.ownerReference(topology), probes.effectivePaths(), nodes)) {
                writes += create(client, topology, object, started);
            }
            return new Outcome(previous, started.runId(), settings.runDeadline().dividedBy(2), null, writes);
        }
        List<Pod> runPods = mine.stream().filter(p -> run.runId().equals(ProbeRun.runId(p))).toList();
        ProbeRun.Next next = run.next(runPods, settings.runDeadline(), now);
        if (next instanceof ProbeRun.Wait wait) {
            return new Outcome(previous, run.runId(), wait.recheck(), null, writes);
        }
        if (next instanceof ProbeRun.StartClients) {
            ProbeRun.Echoes up = run.echoes(runPods, settings, now);
            ProbePlan.Targets targets = targets(topology, run, probes.effectivePaths(), up, context, services, ingresses, routeListeners, now);
            boolean toServices = probes.effectivePaths().contains(ProbePath.PodToService);
            boolean affinity = toServices && ProbePlan.declaresClientIpAffinity(topology);
            boolean waiting = !up.pods().isEmpty() && (toServices && targets.echoService() == null || affinity && targets.affinityService() == null
                    || ProbeRun.checksLocalTraffic(topology, probes.effectivePaths()) && targets.localNodePort() == null);
            if (waiting && now.isBefore(run.giveUp(settings.runDeadline()))) {
                // A real API server allocates the address at create; one that does it later is waited for, briefly.
                return new Outcome(previous, run.runId(), Duration.ofSeconds(1), null, writes);
            }
            if (toServices) {
                up.podPresets().addAll(ProbeRun.serviceChecksNotRun(settings, topology, run.runId(), up.pods().size(), targets, affinity));
            }
            for (Pod pod : run.clients(pods, topology, OwnedChildren.ownerReference(topology), probes.effectivePaths(), up, targets)) {
                writes += create(client, topology, pod, run);
            }
            run.clientsStarted();
            return new Outcome(previous, run.runId(), run.untilDeadline(settings.runDeadline(), now), null, writes);
        }
        writes += deleteRuns(client, topology, runPods, Set.of(run.runId()));
        active.remove(uid);
        // The generation the run was planned for: a spec changed meanwhile is probed by the next run, right away.
        // What the run could not cover, said beside what it found: a cordoned node's checks vanish otherwise without a word.
        ProbeNodes.Coverage coverage = ProbeNodes.coverage(NodeAddresses.nodes(context), seed(topology), settings,
                probes.effectivePaths());
        List<String> gaps = new ArrayList<>(coverage.gaps());
        String localGap = ProbePlan.localTrafficGap(topology, probes.effectivePaths(), coverage.sampled());
        if (localGap != null) {
            gaps.add(localGap);
        }
        String routesGap = ProbePlan.gatewayRoutesGap(topology, probes.effectivePaths(), routeListeners);
        if (routesGap != null) {
            gaps.add(routesGap);
        }
        ConnectivityReport.Run result = ConnectivityReport.merge(previous, ((ProbeRun.Finish) next).outcomes(), now, run.runId(),
                run.generation(), run.request(), run.refusals(), coverage.summary(), gaps);
        lastResult.put(uid, result.status());
        return new Outcome(result.status(), null, probes.intervalDuration(), result, writes);
    }

    /** What the client pods check, from what the cluster assigned: the read side of planning them. */
    private ProbePlan.Targets targets(NetworkTopology topology, ProbeRun run, List<ProbePath> paths, ProbeRun.Echoes up,
            Context<NetworkTopology> context, Map<String, Service> services, Map<String, Ingress> ingresses,
            Map<String, List<GatewayListeners.Listener>> routeListeners, Instant now) {
        KubernetesClient client = context.getClient();
        boolean toServices = paths.contains(ProbePath.PodToService);
        String echoServiceIp = toServices ? clusterIp(echoService(client, topology, ProbePods.echoServiceName(topology, run.runId()))) : null;
        String affinityIp = toServices && ProbePlan.declaresClientIpAffinity(topology)
                ? clusterIp(echoService(client, topology, ProbePods.affinityServiceName(topology, run.runId()))) : null;
        Integer localNodePort = ProbeRun.checksLocalTraffic(topology, paths)
                ? nodePort(echoService(client, topology, ProbePods.localServiceName(topology, run.runId()))) : null;
        return new ProbePlan.Targets(services, EndpointSliceObserver.readyAddresses(context), ingresses, nodeTargets(topology, context),
                up.pods(), echoServiceIp, settings.echoPort(), up.hosts(), settings.hostEchoPort(),
                paths.contains(ProbePath.DNS) ? dnsReplicas(client) : List.of(), settings.clusterDomain(),
                EndpointSliceObserver.readyTargets(context), dnsSettling(now, run.started()), affinityIp,
                EndpointSliceObserver.readyNodes(context), localNodePort, routeListeners);
    }

    private static Service echoService(KubernetesClient client, NetworkTopology topology, String name) {
        return client.services().inNamespace(topology.getMetadata().getNamespace()).withName(name).get();
    }

    /** The cluster IP of one of the run's echo Services, or null (not there, or none assigned yet). */
    private static String clusterIp(Service service) {
        String ip = service == null || service.getSpec() == null ? null : service.getSpec().getClusterIP();
        return ip == null || ip.isEmpty() || "None".equals(ip) ? null : ip;
    }

    /** The node port of the run's Local echo Service, or null. */
    private static Integer nodePort(Service service) {
        return service == null || service.getSpec() == null || service.getSpec().getPorts() == null ? null
                : service.getSpec().getPorts().stream().map(io.fabric8.kubernetes.api.model.ServicePort::getNodePort)
                        .filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    private static String seed(NetworkTopology topology) {
        return topology.getMetadata().getUid() == null ? topology.getMetadata().getName() : topology.getMetadata().getUid();
    }

    /** Pods and run state of a deleted topology (its pods are garbage-collected too; the mock API does not). */
    public int forget(NetworkTopology topology, Context<NetworkTopology> context) {
        String uid = topology.getMetadata().getUid();
        active.remove(uid);
        lastResult.remove(uid);
        List<Pod> mine = context.getSecondaryResources(Pod.class).stream().filter(p -> OwnedChildren.isOwnedBy(p, topology)).toList();
        return deleteRuns(context.getClient(), topology, mine, Set.of());
    }

    private static String annotation(NetworkTopology topology) {
        return topology.getMetadata().getAnnotations() == null ? null : topology.getMetadata().getAnnotations().get(PROBE_NOW_ANNOTATION);
    }

    private List<ProbePlan.NodeTarget> nodeTargets(NetworkTopology topology, Context<NetworkTopology> context) {
        List<String> sample = ProbeNodes.sample(NodeAddresses.nodes(context), seed(topology), settings);
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
                    .filter(ProbeReports::up)
                    .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                    .map(p -> new ProbePlan.DnsReplica(p.getMetadata().getName(), p.getStatus().getPodIP()))
                    .toList();
        } catch (KubernetesClientException e) {
            LOG.debugf("cannot list CoreDNS pods in %s, asking the probe pod's resolver: %s", settings.dnsNamespace(), e.getMessage());
            return List.of();
        }
    }

    /** Creates a probe object and tells the run; when the API refuses it, the checks that needed it fail with the API's reason. */
    private static int create(KubernetesClient client, NetworkTopology topology, HasMetadata object, ProbeRun run) {
        try {
            client.resource(object).create();
            run.created(object);
            return 1;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return 0; // created by an earlier step whose write the cache had not shown yet
            }
            String reason = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
            LOG.warnf("%s/%s: could not create probe %s %s: %s", topology.getMetadata().getNamespace(), topology.getMetadata().getName(),
                    object.getKind(), object.getMetadata().getName(), reason);
            run.refused(object, "could not create " + object.getKind() + " " + object.getMetadata().getName() + ": " + reason);
            return 0;
        }
    }

    /** Deletes probe pods, and the echo Services of their runs and of {@code runs}. */
    private static int deleteRuns(KubernetesClient client, NetworkTopology topology, List<Pod> doomed, Set<String> runs) {
        int writes = 0;
        Set<String> all = new java.util.TreeSet<>(runs);
        for (Pod pod : doomed) {
            if (ProbeRun.runId(pod) != null) {
                all.add(ProbeRun.runId(pod));
            }
            writes += delete(client, pod);
        }
        for (String run : all) {
            writes += deleteEchoService(client, topology, run);
        }
        return writes;
    }

    /** The run's echo Services (one, or two with session affinity), found by one request on the run's label. */
    private static int deleteEchoService(KubernetesClient client, NetworkTopology topology, String runId) {
        int writes = 0;
        for (Service service : client.services().inNamespace(topology.getMetadata().getNamespace()).withLabel(ChildLabels.PROBE_RUN, runId)
                .list().getItems()) {
            writes += OwnedChildren.isOwnedBy(service, topology) ? delete(client, service) : 0;
        }
        return writes;
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
