package io.networktopology.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.model.ServiceModel;
import io.networktopology.api.v1alpha1.NetworkTopologyStatus;
import io.networktopology.config.OperatorConfig;
import io.networktopology.dependent.EndpointSliceObserver;
import io.networktopology.dependent.NodeAddresses;
import io.networktopology.model.ChildLabels;
import io.networktopology.dns.DnsSettings;
import io.networktopology.model.SpecProblem;
import io.networktopology.model.TopologyValidator;
import io.networktopology.probe.ProbeSettings;
import io.networktopology.status.ApiRefusal;
import io.networktopology.status.ConditionList;
import io.networktopology.status.Conditions;
import io.networktopology.status.Observed;
import io.networktopology.status.Reasons;
import io.networktopology.status.TopologyStatusBuilder;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reconciles one NetworkTopology: validate, bring the Services in line, and write status only when it changed.
 * An invalid spec changes nothing that exists; a conflict leaves the foreign object alone and retries later.
 * Not generation-aware: the probe-now annotation (metadata only) must start a probe run; a status write wakes it once,
 * finds nothing changed and writes nothing.
 */
@ControllerConfiguration(name = NetworkTopologyReconciler.NAME, generationAwareEventProcessing = false)
// A failure is retried for as long as it lasts (a taken nodePort may be freed at any time), at most 5 minutes apart:
// JOSDK's default gives up after 5 attempts, and nothing would look at the topology again until someone touched it.
@GradualRetry(maxAttempts = -1, initialInterval = 2000, intervalMultiplier = 2.0, maxInterval = 300_000)
public class NetworkTopologyReconciler implements Reconciler<NetworkTopology>, Cleaner<NetworkTopology> {

    public static final String NAME = "networktopology";
    /** How soon to look again at a conflict: nothing notifies the operator when a foreign object goes away. */
    static final Duration CONFLICT_RECHECK = Duration.ofSeconds(60);

    private static final Logger LOG = Logger.getLogger(NetworkTopologyReconciler.class);

    private final TopologyStatusBuilder statusBuilder;
    private final Counter reconciles;
    private final Counter childWrites;
    private final Counter statusWrites;
    private final ChildrenStep children = new ChildrenStep();
    private final DnsStep dns;
    private final ProbeStep probes;
    private final PolicyStep policies;

    @Inject
    public NetworkTopologyReconciler(OperatorConfig config, DnsSettings dnsSettings, ProbeSettings probeSettings, MeterRegistry registry) {
        this(config.clusterDomain(), dnsSettings, probeSettings, registry);
    }

    /**
     * @param registry where the operator's own metrics go (Prometheus networktopology_*): what it reconciled and wrote,
     *     and the probe results
     */
    public NetworkTopologyReconciler(String clusterDomain, DnsSettings dnsSettings, ProbeSettings probeSettings, MeterRegistry registry) {
        this.statusBuilder = new TopologyStatusBuilder(clusterDomain);
        this.dns = new DnsStep(dnsSettings);
        this.probes = new ProbeStep(probeSettings, new ProbeMetrics(registry));
        this.policies = new PolicyStep(probeSettings);
        this.reconciles = Counter.builder("networktopology.reconciles").description("Completed reconciles of NetworkTopologies")
                .register(registry);
        this.childWrites = Counter.builder("networktopology.child.writes")
                .description("Writes to Services, Ingresses and CoreDNS ConfigMaps").register(registry);
        this.statusWrites = Counter.builder("networktopology.status.writes")
                .description("Status writes (made only when status changed)").register(registry);
    }

    /**
     * Without CDI (the benchmark, tests): default DNS settings, probes off (a probe run needs a kubelet), metrics in a
     * registry of its own.
     */
    public NetworkTopologyReconciler(String clusterDomain) {
        this(clusterDomain, DnsSettings.defaults(clusterDomain), ProbeSettings.defaults(clusterDomain).withEnabled(false),
                new SimpleMeterRegistry());
    }

    @Override
    public List<EventSource<?, NetworkTopology>> prepareEventSources(EventSourceContext<NetworkTopology> context) {
        List<EventSource<?, NetworkTopology>> sources = new ArrayList<>(List.of(
                ChildLabels.informer(Service.class, "services", null, context), ChildLabels.informer(Ingress.class, "ingresses", null, context), EndpointSliceObserver.eventSource(context), NodeAddresses.eventSource(context),
                probes.eventSource(context), children.eventSource(), policies.eventSource(context)));
        sources.addAll(dns.eventSources(context));
        return sources;
    }

    /** A write of CoreDNS's configuration: counted, and probe runs give DNS checks time to see it. */
    private void corefileWritten(Instant when) {
        probes.corefileWritten(when);
        countChildWrites(1);
    }

    /** Writes to Services, Ingresses and CoreDNS ConfigMaps. */
    private void countChildWrites(int writes) {
        if (writes > 0) {
            childWrites.increment(writes);
        }
    }

    /** Completed reconciles, child writes and status writes since start (for metrics, tests and the benchmark). */
    public long reconciles() {
        return (long) reconciles.count();
    }

    public long childWrites() {
        return (long) childWrites.count();
    }

    public long statusWrites() {
        return (long) statusWrites.count();
    }

    @Override
    public UpdateControl<NetworkTopology> reconcile(NetworkTopology topology, Context<NetworkTopology> context) {
        try {
            return reconcileOnce(topology, context);
        } finally {
            reconciles.increment();
        }
    }

    private UpdateControl<NetworkTopology> reconcileOnce(NetworkTopology topology, Context<NetworkTopology> context) {
        Instant now = Instant.now();
        if (topology.getSpec() == null) {
            // Admitted without spec: an empty topology, which reconciles to nothing. Only this in-memory copy gets the empty
            // spec; an empty spec on the class itself would be sent with every object the operator builds (JOSDK's
            // server-side-apply finalizer patch would then wipe the user's spec).
            topology.setSpec(new io.networktopology.api.v1alpha1.NetworkTopologySpec());
        }
        List<SpecProblem> problems = TopologyValidator.validate(topology);
        if (!problems.isEmpty()) {
            LOG.debugf("%s/%s: invalid spec, changing nothing: %s", topology.getMetadata().getNamespace(),
                    topology.getMetadata().getName(), problems);
            return statusUpdate(topology, statusBuilder.invalid(topology, problems, now), null, context);
        }

        // The data flow: children → DNS entries → probes → one status from what each found.
        // A child the API server refuses is that child's status (Rejected), not the reconcile's failure: the other children,
        // the DNS entries and the probes of what exists go on.
        ChildrenStep.Result applied = children.reconcile(topology, context);
        countChildWrites(applied.writes());
        DnsStep.Result named = dns.reconcile(topology, context);
        if (named.written()) {
            corefileWritten(now);
        }
        PolicyStep.Result policed = policies.reconcile(topology, context);
        ProbeStep.Result probed = probes.reconcile(topology, context, applied, now, policed.report());
        countChildWrites(probed.writes());
        NetworkTopologyStatus status = statusBuilder.build(topology, new Observed(applied.serviceObservations(),
                applied.ingressObservations(), applied.entryPoints(), named.part(), probed.part(), applied.routeObservations(),
                policed.condition(ServiceModel.namespaceOf(topology), policies.settings.dnsNamespace())), now);
        Duration recheck = applied.unsettled() || named.unsettled() ? CONFLICT_RECHECK : null;
        if (probed.recheck() != null && (recheck == null || probed.recheck().compareTo(recheck) < 0)) {
            recheck = probed.recheck();
        }
        return statusUpdate(topology, status, recheck, context);
    }

    private UpdateControl<NetworkTopology> statusUpdate(NetworkTopology topology, NetworkTopologyStatus status,
            Duration recheck, Context<NetworkTopology> context) {
        if (!Objects.equals(status, topology.getStatus())) {
            writeStatus(topology, status, context);
            recordReadyTransition(topology, status, context);
        }
        UpdateControl<NetworkTopology> control = UpdateControl.noUpdate();
        return recheck != null ? control.rescheduleAfter(recheck) : control;
    }

    /**
     * Replaces the status subresource with the new status, the way JOSDK 5 intends for a status that is not
     * server-side applied: a PUT on the version reconciled (optimistic locking; after a 409 the topology is taken
     * again from the cache once it shows a newer version, and the status set on that), and the written topology put
     * into the controller's cache, so that the next reconcile sees what was written and has nothing to write. The
     * operator is the only writer of status; the spec goes along unchanged (the status subresource ignores it).
     */
    private void writeStatus(NetworkTopology topology, NetworkTopologyStatus status, Context<NetworkTopology> context) {
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(topology, context, current -> {
            NetworkTopology write = new NetworkTopology();
            write.setMetadata(new ObjectMetaBuilder().withName(current.getMetadata().getName())
                    .withNamespace(current.getMetadata().getNamespace()).build());
            write.setSpec(current.getSpec());
            write.setStatus(status);
            return write;
        });
        statusWrites.increment();
    }

    /** An Event when Ready changes reason: a Warning when it starts failing, Normal when it is Ready again. */
    private static void recordReadyTransition(NetworkTopology topology, NetworkTopologyStatus status, Context<NetworkTopology> context) {
        var before = topology.getStatus() == null ? null : ConditionList.find(topology.getStatus().getConditions(), Conditions.READY);
        var after = ConditionList.find(status.getConditions(), Conditions.READY);
        if (after == null || (before != null && Objects.equals(before.getReason(), after.getReason())
                && Objects.equals(before.getStatus(), after.getStatus()))) {
            return;
        }
        boolean ok = "True".equals(after.getStatus());
        boolean progressing = Reasons.AWAITING_ADDRESS.equals(after.getReason()) || Reasons.DNS_PENDING.equals(after.getReason());
        TopologyEvents.record(context.getClient(), topology, ok || progressing ? TopologyEvents.NORMAL : TopologyEvents.WARNING,
                after.getReason(), after.getMessage() == null ? after.getReason() : after.getMessage());
    }

    /**
     * The Corefile lives outside any ownerReference, so a deleted topology's DNS entries are taken out here, before
     * its finalizer goes. A Corefile that cannot be changed (unparseable, unsupported) never got entries, so there is
     * nothing to undo and the deletion goes on.
     */
    @Override
    public DeleteControl cleanup(NetworkTopology topology, Context<NetworkTopology> context) {
        countChildWrites(probes.cleanup(topology, context));
        if (dns.cleanup(topology, context)) {
            corefileWritten(Instant.now());
        }
        return DeleteControl.defaultDelete();
    }

    @Override
    public ErrorStatusUpdateControl<NetworkTopology> updateErrorStatus(NetworkTopology topology,
            Context<NetworkTopology> context, Exception e) {
        String name = topology.getMetadata().getNamespace() + "/" + topology.getMetadata().getName();
        if (ApiRefusal.namespaceTerminating(e)) {
            // The namespace is going away and the topology with it: nothing to report (a trial saw every topology of a
            // deleted namespace turn ReconcileFailed, with traces).
            LOG.debugf("%s: its namespace is being deleted: %s", name, e.getMessage());
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        NetworkTopologyStatus status = statusBuilder.failed(topology, e, Instant.now());
        Condition ready = ConditionList.find(status.getConditions(), Conditions.READY);
        Condition before = topology.getStatus() == null ? null : ConditionList.find(topology.getStatus().getConditions(), Conditions.READY);
        // One line per failure that says what it was; the trace only at DEBUG (JOSDK's own WARN with the whole trace, ~60
        // lines per retry, is turned down in application.properties).
        LOG.warnf("%s: %s: %s", name, ready.getReason(), ready.getMessage());
        LOG.debugf(e, "%s: the failed reconcile", name);
        if (before == null || !Objects.equals(before.getReason(), ready.getReason()) || !Objects.equals(before.getMessage(), ready.getMessage())) {
            // A new failure (not each retry of the same one): a Warning Event kubectl describe shows.
            TopologyEvents.record(context.getClient(), topology, TopologyEvents.WARNING, ready.getReason(), ready.getMessage());
        }
        if (!Objects.equals(status, topology.getStatus())) {
            try {
                writeStatus(topology, status, context);
            } catch (RuntimeException writeFailure) {
                LOG.warnf("%s: could not record the reconcile error in status: %s", name, writeFailure.getMessage());
            }
        }
        return ErrorStatusUpdateControl.defaultErrorProcessing();
    }
}
