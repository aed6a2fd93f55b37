package io.networktopology.reconciler;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JOSDK's metrics, bounded and described. The Quarkus Operator SDK's default labels every series with the
 * resource's name (about 75 series per topology, kept after it is deleted); here they are per controller only, so
 * their number does not grow with the topologies. And every metric gets a HELP text on {@code /q/metrics}.
 */
public class OperatorMetrics {

    /** HELP texts of JOSDK's meters, by name prefix (the first that matches). */
    static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

    static {
        DESCRIPTIONS.put("operator.sdk.events.received", "Events JOSDK received for NetworkTopologies and their children (changes, timers)");
        DESCRIPTIONS.put("operator.sdk.events.delete", "NetworkTopology deletions JOSDK processed");
        DESCRIPTIONS.put("operator.sdk.reconciliations.started", "Reconciles started, retries included");
        DESCRIPTIONS.put("operator.sdk.reconciliations.success", "Reconciles that finished without an error");
        DESCRIPTIONS.put("operator.sdk.reconciliations.failed", "Reconciles that failed (retried with backoff, at most 5 minutes apart)");
        DESCRIPTIONS.put("operator.sdk.reconciliations.executions", "Reconciles running now");
        DESCRIPTIONS.put("operator.sdk.reconciliations.queue", "NetworkTopologies waiting to be reconciled");
        DESCRIPTIONS.put("operator.sdk.controllers.execution", "Time spent in the reconciler, by controller and outcome");
        DESCRIPTIONS.put("operator.sdk.", "Java Operator SDK metric");
    }

    /** Replaces the Quarkus Operator SDK's per-resource default (a {@code @DefaultBean}). */
    @Produces
    @Singleton
    Metrics metrics(MeterRegistry registry) {
        return MicrometerMetrics.withoutPerResourceMetrics(registry);
    }

    /** Fills in the HELP text of JOSDK's meters, which register none. */
    @Produces
    @Singleton
    MeterFilter describeJosdkMeters() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getDescription() != null && !id.getDescription().isBlank()) {
                    return id;
                }
                return DESCRIPTIONS.entrySet().stream().filter(e -> id.getName().startsWith(e.getKey())).findFirst()
                        .map(e -> new Meter.Id(id.getName(), io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()), id.getBaseUnit(),
                                e.getValue(), id.getType()))
                        .orElse(id);
            }
        };
    }
}
