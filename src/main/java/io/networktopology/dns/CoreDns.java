package io.networktopology.dns;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.networktopology.api.v1alpha1.NetworkTopology;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cluster's CoreDNS configuration as one controller shared by all topologies: one plan of every topology's DNS
 * entries, written into the Corefile (or the custom-files ConfigMap) only when the plan or the ConfigMaps changed.
 *
 * <p>Per change, whatever the number of topologies: the ConfigMaps are read from an informer (an API read only after
 * a conflict) and written at most once; a ConfigMap change by another writer wakes the topologies with DNS entries, and
 * the first to run puts back what is missing while the others answer from that outcome, without a request (the event
 * of the operator's own write wakes none: the outcome that wrote it is theirs already). When the
 * outcome changes, the topologies whose DNS status may differ are woken to report it: those whose entries fare
 * differently in the new plan (a name another topology gave up), or all DNS topologies when writing found something new
 * (a Corefile turned unparseable). Every other topology that asks gets the last outcome, no request.
 */
public final class CoreDns {

    /** The plan of all topologies and what writing it found and did. */
    public record Outcome(DnsPlan plan, DnsSync.Result result) {
    }

    private final DnsSync sync;
    private final SimpleInboundEventSource<NetworkTopology> wake = new SimpleInboundEventSource<>("coredns-outcome");
    private InformerEventSource<ConfigMap, NetworkTopology> configMaps;

    /** What the last outcome was computed from, and the outcome. */
    private String plannedFrom;
    private DnsPlan plan;
    private String syncedFrom;
    private Outcome last;
    /** Our own last write of each ConfigMap, until the informer shows it: the version it was based on, and what it wrote. */
    private record OwnWrite(String basedOn, ConfigMap written) {
    }

    private final Map<String, OwnWrite> ownWrites = new HashMap<>();
    /**
     * The data of our own last write of each ConfigMap, recorded before it is sent (its informer event can arrive before
     * the response): that event wakes no topology, since the outcome that wrote it is already every topology's. Read by
     * the informer's thread, hence concurrent.
     */
    private final Map<String, Map<String, String>> ownData = new java.util.concurrent.ConcurrentHashMap<>();

    public CoreDns(DnsSettings settings) {
        this.sync = new DnsSync(settings);
    }

    public DnsSettings settings() {
        return sync.settings();
    }

    /** The ConfigMap informer (a change wakes the topologies with DNS entries) and the source that wakes topologies. */
    public List<EventSource<?, NetworkTopology>> eventSources(EventSourceContext<NetworkTopology> context) {
        DnsSettings settings = settings();
        var primaries = context.getPrimaryCache();
        configMaps = new InformerEventSource<>(InformerEventSourceConfiguration.from(ConfigMap.class, NetworkTopology.class)
                .withName("corefile")
                .withNamespaces(Set.of(settings.namespace()))
                .withFollowControllerNamespacesChanges(false)
                // Our own write, as the informer shows it (the data we sent): not a change (a deletion always is one).
                .withOnAddFilter(map -> !isOwnWrite(map))
                .withOnUpdateFilter((map, old) -> !isOwnWrite(map))
                .withSecondaryToPrimaryMapper(map -> {
                    String name = map.getMetadata().getName();
                    if (!name.equals(settings.configMap()) && !name.equals(settings.customConfigMap())) {
                        return Set.of();
                    }
                    // Every topology with DNS entries: any one could be the one that cannot reconcile now (an invalid
                    // spec, a failing step), and the others answer from the last outcome without a request.
                    return primaries.list().filter(CoreDns::hasDns).map(ResourceID::fromResource).collect(Collectors.toSet());
                })
                .build(), context);
        return List.of(configMaps, wake);
    }

    private boolean isOwnWrite(ConfigMap map) {
        return map.getData() != null && map.getData().equals(ownData.get(map.getMetadata().getName()));
    }

    /** The topology has DNS entries, or had some that may still be in the Corefile. */
    public static boolean hasDns(NetworkTopology topology) {
        return (topology.getSpec() != null && topology.getSpec().getDns() != null && !topology.getSpec().getDns().isEmpty())
                || (topology.getStatus() != null && topology.getStatus().getDns() != null);
    }

    /**
     * The outcome for the topologies {@code cache} gives (the cluster's, minus any being deleted), writing CoreDNS's configuration first
     * when the plan or the ConfigMaps changed since the last write. {@code result().written()} is true only for the
     * caller that wrote.
     */
    public synchronized Outcome outcome(java.util.function.Supplier<Collection<NetworkTopology>> cache, KubernetesClient client) {
        // Read under the lock: a list taken before it could be older than the one the previous caller planned with,
        // and planning with it would drop an entry whose topology was already told it is applied (found by the
        // benchmark: 5 of 1,000 aliases lost when 8 threads reconciled at once).
        Collection<NetworkTopology> topologies = cache.get();
        String topologiesKey = topologies.stream().filter(CoreDns::hasDns)
                .map(t -> t.getMetadata().getUid() + ":" + t.getMetadata().getGeneration() + ":" + (t.getMetadata().getDeletionTimestamp() != null))
                .sorted().collect(Collectors.joining(","));
        if (plan == null || !topologiesKey.equals(plannedFrom)) {
            DnsPlan before = plan;
            plan = DnsPlan.of(List.copyOf(topologies), settings());
            plannedFrom = topologiesKey;
            if (before != null) {
                // A name another topology gave up, a newer claim that lost: their status must say so.
                for (String changed : plan.changedSince(before)) {
                    int slash = changed.indexOf('/');
                    wake.propagateEvent(new ResourceID(changed.substring(slash + 1), changed.substring(0, slash)));
                }
            }
        }
        if (last != null && syncKey().equals(syncedFrom)) {
            return new Outcome(plan, last.result().unwritten());
        }
        DnsSync.Result result = sync.sync(plan.entries(), client, this::cached, new DnsSync.Writes() {
            @Override
            public void sending(ConfigMap map) {
                ownData.put(map.getMetadata().getName(), map.getData() == null ? Map.of() : Map.copyOf(map.getData()));
            }

            @Override
            public void written(String basedOn, ConfigMap written) {
                ownWrites.put(written.getMetadata().getName(), new OwnWrite(basedOn, written));
            }
        });
        Outcome outcome = new Outcome(plan, result);
        if (last != null && !sameForTopologies(last, outcome)) {
            // Every topology whose DNS status may read differently now: those with entries in either plan.
            topologies.stream().filter(CoreDns::hasDns).forEach(t -> wake.propagateEvent(ResourceID.fromResource(t)));
        }
        last = outcome;
        // Taken after the write: the ConfigMaps it is computed from are then our own writes.
        syncedFrom = syncKey();
        return outcome;
    }

    /** What a sync is computed from: the plan's entries and the versions of the ConfigMaps as last seen. */
    private String syncKey() {
        return plan.entries() + "@" + version(cached(settings().configMap())) + "/" + version(cached(settings().customConfigMap()));
    }

    private static boolean sameForTopologies(Outcome before, Outcome after) {
        DnsSync.Result a = before.result();
        DnsSync.Result b = after.result();
        return Objects.equals(a.strategy(), b.strategy()) && Objects.equals(a.configMap(), b.configMap())
                && Objects.equals(a.reload(), b.reload()) && Objects.equals(a.notes(), b.notes())
                && Objects.equals(a.failureReason(), b.failureReason()) && Objects.equals(a.failure(), b.failure())
                && Objects.equals(a.unservedAliases(), b.unservedAliases());
    }

    /** A CoreDNS ConfigMap as last seen: the informer's copy, or our own write while the informer still shows what it replaced. */
    private ConfigMap cached(String name) {
        ConfigMap seen = cachedRaw(name);
        OwnWrite own = ownWrites.get(name);
        if (own != null) {
            if (Objects.equals(version(seen), own.basedOn() == null ? "-" : own.basedOn())) {
                return own.written();
            }
            ownWrites.remove(name);
        }
        return seen;
    }

    private ConfigMap cachedRaw(String name) {
        return configMaps == null ? null : configMaps.get(new ResourceID(name, settings().namespace())).orElse(null);
    }

    private static String version(ConfigMap map) {
        return map == null ? "-" : map.getMetadata().getResourceVersion();
    }
}
