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
 *
 * <p>One writer: the ConfigMaps are written by one thread of its own, never under a lock the reconcile threads share.
 * A topology whose entries are not written yet waits for the next write (bounded), and every topology that asks while
 * one write is under way waits for the same next one: a burst of changes is written once. One that waited too long is
 * told "being written" and woken when it is.
 */
public final class CoreDns {

    /** The plan of all topologies and what writing it found and did. */
    public record Outcome(DnsPlan plan, DnsSync.Result result) {
    }

    /** How long a reconcile waits for the write its entries need before it reports them as being written. */
    static final java.time.Duration WAIT = java.time.Duration.ofSeconds(10);

    private final DnsSync sync;
    private final SimpleInboundEventSource<NetworkTopology> wake = new SimpleInboundEventSource<>("coredns-outcome");
    private InformerEventSource<ConfigMap, NetworkTopology> configMaps;
    private final java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "coredns-writer");
        thread.setDaemon(true);
        return thread;
    });
    /** The write queued behind the one under way (if any): every caller until it starts waits for it. Guarded by this. */
    private java.util.concurrent.CompletableFuture<Void> next;
    /** What the next write plans from: the latest topology cache and client a caller gave. Guarded by this. */
    private java.util.function.Supplier<Collection<NetworkTopology>> cache;
    private KubernetesClient client;
    /** Told "being written" after waiting too long: woken once the write is done. Guarded by this. */
    private final Set<ResourceID> waiting = new java.util.HashSet<>();
    /** A write no caller has reported yet (its DnsUpdated Event): the next caller to return reports it. Guarded by this. */
    private boolean unreported;

    /** What the last outcome was computed from, and the outcome. */
    private String plannedFrom;
    private DnsPlan plan;
    private String syncedFrom;
    private Outcome last;
    /** Our own last write of each ConfigMap, until the informer shows it: the version it was based on, and what it wrote. */
    private record OwnWrite(Set<String> superseded, ConfigMap written) {
        /** The next write, based on {@code basedOn}: every version known before it is older than what it wrote. */
        OwnWrite then(String basedOn, ConfigMap next) {
            Set<String> older = new java.util.HashSet<>(superseded.size() > 1000 ? Set.of() : superseded);
            older.add(version(written));
            older.add(basedOn == null ? "-" : basedOn);
            return new OwnWrite(older, next);
        }
    }

    private final Map<String, OwnWrite> ownWrites = new java.util.concurrent.ConcurrentHashMap<>();
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
     * The outcome for the topologies {@code cache} gives (the cluster's, minus any being deleted): at once when
     * CoreDNS's configuration already holds the plan, else after the writer's next write (at most {@link #WAIT}; then
     * "being written", and {@code asking} is woken when it is). {@code result().written()} is true for one caller per
     * write. Never an API request on the calling thread.
     */
    public Outcome outcome(ResourceID asking, java.util.function.Supplier<Collection<NetworkTopology>> cache, KubernetesClient client) {
        java.util.concurrent.CompletableFuture<Void> written;
        synchronized (this) {
            replan(cache.get());
            if (last != null && syncKey(plan).equals(syncedFrom)) {
                return reported();
            }
            this.cache = cache;
            this.client = client;
            if (next == null) {
                next = new java.util.concurrent.CompletableFuture<>();
                writer.execute(this::write);
            }
            written = next;
        }
        try {
            written.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            synchronized (this) {
                if (!written.isDone()) {
                    waiting.add(asking);
                    return new Outcome(plan, DnsSync.Result.beingWritten(settings(), last == null ? null : last.result()));
                }
            }
            return outcome(asking, cache, client); // done meanwhile: as if it had not timed out
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while CoreDNS's configuration was being written", e);
        }
        synchronized (this) {
            return reported();
        }
    }

    /** The last outcome with the current plan, written() for the first caller since the write. */
    private Outcome reported() {
        DnsSync.Result result = unreported ? last.result() : last.result().unwritten();
        unreported = false;
        return new Outcome(plan, result);
    }

    /** A new plan when the DNS topologies changed; the topologies whose entries fare differently are woken. Guarded by this. */
    private void replan(Collection<NetworkTopology> topologies) {
        // A list read under the lock: one taken before it could be older than the one the previous caller planned with,
        // and planning with it would drop an entry whose topology was already told it is applied (found by the
        // benchmark: 5 of 1,000 aliases lost when 8 threads reconciled at once).
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
    }

    /** The writer's one job: write the latest plan (the API requests outside the lock), then tell whoever waits. */
    private void write() {
        java.util.concurrent.CompletableFuture<Void> mine;
        DnsPlan planned;
        KubernetesClient writingClient;
        Collection<NetworkTopology> topologies;
        synchronized (this) {
            mine = next;
            next = null;
            topologies = cache.get();
            replan(topologies);
            planned = plan;
            writingClient = client;
        }
        try {
            DnsSync.Result result = sync.sync(planned.entries(), writingClient, this::cached, new DnsSync.Writes() {
                @Override
                public void sending(ConfigMap map) {
                    ownData.put(map.getMetadata().getName(), map.getData() == null ? Map.of() : Map.copyOf(map.getData()));
                }

                @Override
                public void written(String basedOn, ConfigMap written) {
                    ownWrites.merge(written.getMetadata().getName(), new OwnWrite(Set.of(basedOn == null ? "-" : basedOn), written),
                            (previous, first) -> previous.then(basedOn, written));
                }
            });
            Set<ResourceID> toWake = new java.util.HashSet<>();
            synchronized (this) {
                Outcome outcome = new Outcome(planned, result);
                if (last != null && !sameForTopologies(last, outcome)) {
                    // Every topology whose DNS status may read differently now: those with entries in either plan.
                    topologies.stream().filter(CoreDns::hasDns).forEach(t -> toWake.add(ResourceID.fromResource(t)));
                }
                last = outcome;
                unreported = unreported || result.written();
                // Taken after the write: the ConfigMaps it is computed from are then our own writes.
                syncedFrom = syncKey(planned);
                toWake.addAll(waiting);
                waiting.clear();
                // Completed under the lock: a caller that stopped waiting either sees it done or is in waiting by now.
                mine.complete(null);
            }
            toWake.forEach(wake::propagateEvent);
        } catch (RuntimeException e) {
            // Those that stopped waiting find out by trying again (their reconcile fails with it and is retried).
            Set<ResourceID> toWake;
            synchronized (this) {
                toWake = Set.copyOf(waiting);
                waiting.clear();
                mine.completeExceptionally(e);
            }
            toWake.forEach(wake::propagateEvent);
        }
    }

    /** What a sync is computed from: the plan's entries and the versions of the ConfigMaps as last seen. */
    private String syncKey(DnsPlan of) {
        return of.entries() + "@" + version(cached(settings().configMap())) + "/" + version(cached(settings().customConfigMap()));
    }

    private static boolean sameForTopologies(Outcome before, Outcome after) {
        DnsSync.Result a = before.result();
        DnsSync.Result b = after.result();
        return Objects.equals(a.strategy(), b.strategy()) && Objects.equals(a.configMap(), b.configMap())
                && Objects.equals(a.reload(), b.reload()) && Objects.equals(a.notes(), b.notes())
                && Objects.equals(a.failureReason(), b.failureReason()) && Objects.equals(a.failure(), b.failure())
                && Objects.equals(a.unservedAliases(), b.unservedAliases());
    }

    /**
     * A CoreDNS ConfigMap as last seen: the informer's copy, or our own last write while the informer still shows a
     * version that write (or one before it) replaced — however far the informer lags behind a run of writes.
     */
    private ConfigMap cached(String name) {
        ConfigMap seen = cachedRaw(name);
        OwnWrite own = ownWrites.get(name);
        if (own != null) {
            if (own.superseded().contains(version(seen))) {
                return own.written();
            }
            ownWrites.remove(name, own); // the informer shows our write, or someone else's newer one
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
