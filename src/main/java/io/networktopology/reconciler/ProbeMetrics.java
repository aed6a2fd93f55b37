package io.networktopology.reconciler;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.networktopology.api.v1alpha1.CheckStatus;
import io.networktopology.api.v1alpha1.ConnectivityStatus;
import io.networktopology.api.v1alpha1.NetworkTopology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Probe results on {@code /q/metrics}: per check {@code networktopology_probe_check_passed} (1/0) and
 * {@code networktopology_probe_check_latency_seconds}, per path {@code networktopology_probe_path_passed}, and
 * {@code networktopology_probe_runs_total{result}}. Label cardinality is bounded: at most {@link #MAX_CHECK_SERIES}
 * check series per topology (the path series always cover every check), and a topology's series go with it.
 */
public final class ProbeMetrics {

    public static final int MAX_CHECK_SERIES = 50;

    private final MeterRegistry registry;
    /** A registered gauge and the value it reads (held here: Micrometer holds gauge objects weakly). */
    private record Series(Gauge gauge, AtomicReference<Double> value) {
    }

    /** Per topology (namespace/name): its gauges, by the id they were asked for. */
    private final Map<String, Map<Meter.Id, Series>> series = new ConcurrentHashMap<>();

    public ProbeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(NetworkTopology topology, ConnectivityStatus connectivity) {
        String namespace = topology.getMetadata().getNamespace();
        String name = topology.getMetadata().getName();
        Map<Meter.Id, Double> values = new LinkedHashMap<>();
        Map<String, Boolean> paths = new LinkedHashMap<>();
        List<CheckStatus> checks = connectivity == null || connectivity.getChecks() == null ? List.of() : connectivity.getChecks();
        int listed = 0;
        boolean allPassed = true;
        for (CheckStatus check : checks) {
            if (check.getResult() == CheckStatus.Result.Skipped) {
                continue;
            }
            boolean passed = check.getResult() == CheckStatus.Result.Passed;
            allPassed &= passed;
            String path = check.getPath() == null ? "unknown" : check.getPath();
            paths.merge(path, passed, Boolean::logicalAnd);
            if (listed++ < MAX_CHECK_SERIES) {
                Tags tags = Tags.of("namespace", namespace, "topology", name, "path", path, "check", check.getId());
                values.put(id("networktopology.probe.check.passed", tags), passed ? 1.0 : 0.0);
                if (check.getLatencyMs() != null) {
                    values.put(id("networktopology.probe.check.latency.seconds", tags), check.getLatencyMs() / 1000.0);
                }
            }
        }
        paths.forEach((path, passed) -> values.put(id("networktopology.probe.path.passed",
                Tags.of("namespace", namespace, "topology", name, "path", path)), passed ? 1.0 : 0.0));
        Map<Meter.Id, Series> mine = series.computeIfAbsent(namespace + "/" + name, k -> new ConcurrentHashMap<>());
        for (Meter.Id stale : new ArrayList<>(mine.keySet())) {
            if (!values.containsKey(stale)) {
                registry.remove(mine.remove(stale).gauge()); // by the registered meter: its id is the one after meter filters
            }
        }
        values.forEach((id, value) -> mine.computeIfAbsent(id, k -> {
            AtomicReference<Double> holder = new AtomicReference<>(value);
            return new Series(Gauge.builder(k.getName(), holder, AtomicReference::get).tags(k.getTags()).register(registry), holder);
        }).value().set(value));
        if (!checks.isEmpty()) {
            Counter.builder("networktopology.probe.runs").description("Finished probe runs, by whether every check passed")
                    .tag("result", allPassed ? "passed" : "failed").register(registry).increment();
        }
    }

    public void forget(NetworkTopology topology) {
        Map<Meter.Id, Series> mine = series.remove(topology.getMetadata().getNamespace() + "/" + topology.getMetadata().getName());
        if (mine != null) {
            mine.values().forEach(s -> registry.remove(s.gauge()));
        }
    }

    private static Meter.Id id(String name, Tags tags) {
        return new Meter.Id(name, tags, null, null, Meter.Type.GAUGE);
    }
}
