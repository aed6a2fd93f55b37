package io.networktopology.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.networktopology.api.v1alpha1.DnsStatus;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.dns.CoreDns;
import io.networktopology.dns.DnsPlan;
import io.networktopology.dns.DnsSettings;
import io.networktopology.dns.DnsSync;
import io.networktopology.status.DnsReport;
import io.networktopology.status.Observed;

import java.util.List;

/** The topology's DNS entries: its part of the cluster's one CoreDNS plan ({@link CoreDns}), and how they fared. */
final class DnsStep {

    /**
     * @param unsettled an entry is not served (a conflict, a policy, a Corefile that cannot be changed): looked at again later
     * @param written this step wrote CoreDNS's configuration
     */
    record Result(Observed.Dns part, boolean unsettled, boolean written) {
        static final Result NONE = new Result(Observed.Dns.NONE, false, false);
    }

    private final CoreDns coreDns;

    DnsStep(DnsSettings settings) {
        this.coreDns = new CoreDns(settings);
    }

    List<EventSource<?, NetworkTopology>> eventSources(EventSourceContext<NetworkTopology> context) {
        return coreDns.eventSources(context);
    }

    Result reconcile(NetworkTopology topology, Context<NetworkTopology> context) {
        if (!CoreDns.hasDns(topology)) {
            return Result.NONE;
        }
        CoreDns.Outcome cluster = coreDns.outcome(ResourceID.fromResource(topology), () -> context.getPrimaryCache().list().toList(),
                context.getClient());
        DnsSync.Result result = cluster.result();
        if (result.written()) {
            TopologyEvents.record(context.getClient(), topology, TopologyEvents.NORMAL, "DnsUpdated",
                    "Updated CoreDNS configuration " + result.configMap() + " (" + result.strategy() + " strategy)");
        }
        List<DnsPlan.EntryResult> mine = cluster.plan().resultsFor(topology);
        if (mine.isEmpty()) {
            return new Result(Observed.Dns.NONE, false, result.written());
        }
        DnsStatus status = DnsReport.status(mine, result);
        DnsReport.Verdict verdict = DnsReport.verdict(status, result);
        return new Result(new Observed.Dns(status, verdict), !verdict.ok(), result.written());
    }

    /**
     * Takes a deleted topology's entries out of the Corefile (it lives outside any ownerReference); true when that
     * wrote. A Corefile that cannot be changed never got entries, so there is nothing to undo.
     */
    boolean cleanup(NetworkTopology topology, Context<NetworkTopology> context) {
        if (!CoreDns.hasDns(topology)) {
            return false;
        }
        return coreDns.outcome(ResourceID.fromResource(topology), () -> context.getPrimaryCache().list()
                .filter(t -> !(t.getMetadata().getName().equals(topology.getMetadata().getName())
                        && t.getMetadata().getNamespace().equals(topology.getMetadata().getNamespace())))
                .toList(), context.getClient()).result().written();
    }
}
