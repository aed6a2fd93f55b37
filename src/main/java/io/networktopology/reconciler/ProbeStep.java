package io.networktopology.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.CheckStatus;
import io.networktopology.api.v1alpha1.ConnectivityStatus;
import io.networktopology.policy.PromisedPaths;
import io.networktopology.probe.ProbeRuns;
import io.networktopology.probe.ProbeSettings;
import io.networktopology.status.ConnectivityReport;
import io.networktopology.status.Observed;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * The last step of a reconcile: one step of the topology's probe run ({@link ProbeRuns}), its verdict, and what a
 * finished run tells (Events when checks start failing or recover, metrics).
 */
final class ProbeStep {

    /** How soon to try a probe step again after it failed. */
    static final Duration RETRY = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(ProbeStep.class);

    /** @param recheck when the run wants to look again (a pod to wait for, the next run), or null */
    record Result(Observed.Connectivity part, Duration recheck, int writes) {
    }

    private final ProbeRuns runs;
    private final ProbeMetrics metrics;

    ProbeStep(ProbeSettings settings, ProbeMetrics metrics) {
        this.runs = new ProbeRuns(settings);
        this.metrics = metrics;
    }

    EventSource<?, NetworkTopology> eventSource(EventSourceContext<NetworkTopology> context) {
        return ProbeRuns.eventSource(context);
    }

    /** DNS checks run within the propagation time after a Corefile change retry instead of failing. */
    void corefileWritten(Instant when) {
        runs.corefileWritten(when);
    }

    /**
     * @param policies the topology's paths held against the NetworkPolicies (null: no policy there): each check on a
     *     path they evaluate says what they do to it
     */
    Result reconcile(NetworkTopology topology, Context<NetworkTopology> context, ChildrenStep.Result children, Instant now,
            PromisedPaths.Report policies) {
        ProbeRuns.Outcome probe;
        try {
            probe = runs.step(topology, context, children.services(), children.ingresses(), children.routeListeners(), now);
        } catch (RuntimeException e) {
            // A probe step that fails (an API error) must not cost the rest of the status; it is tried again soon.
            LOG.warnf(e, "%s/%s: probe step failed, retrying in %s", topology.getMetadata().getNamespace(),
                    topology.getMetadata().getName(), RETRY);
            probe = new ProbeRuns.Outcome(runs.known(topology), null, RETRY, null, 0);
        }
        boolean probing = runs.probing(topology);
        if (!probing) {
            metrics.forget(topology);
        }
        int threshold = topology.getSpec().getProbes() == null ? 2 : topology.getSpec().getProbes().effectiveFailureThreshold();
        ConnectivityStatus connectivity = withPolicies(probe.connectivity(), policies, context);
        ConnectivityReport.Verdict verdict = ConnectivityReport.verdict(connectivity, probing, threshold, probe.runInProgress());
        if (probe.finishedRun() != null) {
            recordTransitions(topology, probe.finishedRun(), context);
            metrics.record(topology, probe.connectivity());
        }
        Duration recheck = probe.recheck() == null ? null
                : probe.recheck().compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : probe.recheck();
        return new Result(new Observed.Connectivity(connectivity, verdict), recheck, probe.writes());
    }

    /**
     * A copy of the results with each check's {@code policy} set from what the NetworkPolicies do to its path (set anew
     * every time: a check whose path they no longer touch loses it). The results themselves may be the cached status.
     */
    static ConnectivityStatus withPolicies(ConnectivityStatus connectivity, PromisedPaths.Report policies, Context<NetworkTopology> context) {
        if (connectivity == null || connectivity.getChecks() == null
                || policies == null && connectivity.getChecks().stream().allMatch(c -> c.getPolicy() == null)) {
            return connectivity;
        }
        ConnectivityStatus copy = context.getClient().getKubernetesSerialization().clone(connectivity);
        for (CheckStatus check : copy.getChecks()) {
            check.setPolicy(policies == null ? null : note(check, policies));
        }
        return copy;
    }

    static String note(CheckStatus check, PromisedPaths.Report policies) {
        String block = policies.blockOf(check.getId());
        if (block != null && check.getResult() == CheckStatus.Result.Failed) {
            return ConnectivityReport.POLICY_BLOCKED + block;
        }
        if (block != null && check.getResult() == CheckStatus.Result.Passed) {
            return "a NetworkPolicy should block this path (" + block + "), yet it answered: does the cluster enforce NetworkPolicies?";
        }
        if (check.getResult() == CheckStatus.Result.Failed && policies.evaluates(check.getId()) && !policies.selecting().isEmpty()) {
            return "the NetworkPolicies (" + String.join(", ", policies.selecting()) + ") allow this path: the failure is not a policy's";
        }
        return null;
    }

    /** A deleted topology's probe objects and series go; returns the writes. */
    int cleanup(NetworkTopology topology, Context<NetworkTopology> context) {
        metrics.forget(topology);
        return runs.forget(topology, context);
    }

    /** One Warning for the checks that started failing in a run, one Normal for those that recovered. */
    private static void recordTransitions(NetworkTopology topology, ConnectivityReport.Run run, Context<NetworkTopology> context) {
        if (!run.startedFailing().isEmpty()) {
            TopologyEvents.record(context.getClient(), topology, TopologyEvents.WARNING, "ProbeFailing",
                    run.startedFailing().size() + (run.startedFailing().size() == 1 ? " check" : " checks") + " started failing: "
                            + run.startedFailing().stream().map(c -> c.getId() + " (" + c.getPath() + "): " + c.getMessage())
                                    .collect(Collectors.joining("; ")));
        }
        if (!run.recovered().isEmpty()) {
            TopologyEvents.record(context.getClient(), topology, TopologyEvents.NORMAL, "ProbeRecovered",
                    run.recovered().size() + (run.recovered().size() == 1 ? " check" : " checks") + " passing again: "
                            + run.recovered().stream().map(c -> c.getId() + " (" + c.getPath() + ", down since "
                                    + (c.getLastOutage() == null ? "?" : c.getLastOutage().getStart()) + ")")
                                    .collect(Collectors.joining("; ")));
        }
    }
}
