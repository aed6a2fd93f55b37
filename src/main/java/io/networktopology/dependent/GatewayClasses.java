package io.networktopology.dependent;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each GatewayClass says it supports ({@code status.supportedFeatures}), read when a route's Gateway names it and
 * again at most every {@link #TTL}: a class is cluster-wide, few, and rarely changes, so one GET per class and interval
 * however many topologies route through it. A class the operator may not read (the own-namespace install without its
 * ClusterRole), that does not exist, or that lists nothing is "unknown": nothing is said about it.
 */
public final class GatewayClasses {

    static final Duration TTL = Duration.ofMinutes(5);

    private record Known(List<String> features, Instant read) {
    }

    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final Clock clock;

    public GatewayClasses() {
        this(Clock.systemUTC());
    }

    GatewayClasses(Clock clock) {
        this.clock = clock;
    }

    /** The features the class claims, or null when unknown. */
    @SuppressWarnings("unchecked")
    public List<String> supportedFeatures(KubernetesClient client, String apiVersion, String className) {
        if (className == null) {
            return null;
        }
        Instant now = clock.instant();
        Known cached = known.get(className);
        if (cached != null && cached.read().plus(TTL).isAfter(now)) {
            return cached.features();
        }
        List<String> features;
        try {
            GenericKubernetesResource gatewayClass = client.genericKubernetesResources(apiVersion, "GatewayClass").withName(className).get();
            Object status = gatewayClass == null ? null : gatewayClass.getAdditionalProperties().get("status");
            Object listed = status instanceof Map<?, ?> m ? m.get("supportedFeatures") : null;
            // v1.2 and later: a list of {name: ...}; v1.1: a list of names.
            features = listed instanceof List<?> l && !l.isEmpty() ? l.stream()
                    .map(f -> f instanceof Map<?, ?> named ? String.valueOf(named.get("name")) : String.valueOf(f)).toList() : null;
        } catch (KubernetesClientException e) {
            features = null; // forbidden or away: unknown, asked again after the interval
        }
        known.put(className, new Known(features, now));
        return features;
    }
}
