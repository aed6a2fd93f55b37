package io.networktopology.model;

import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Two topologies in one namespace may not route the same host and path: the older topology keeps the route, and the
 * newer one's ingress that claims it is not written.
 */
public final class RouteOwnership {

    private RouteOwnership() {
    }

    /** Conflict messages by ingress name of {@code self}, for routes an older topology in the namespace already claims. */
    public static Map<String, String> conflicts(NetworkTopology self, Collection<NetworkTopology> namespaceTopologies) {
        Map<String, String> conflicts = new LinkedHashMap<>();
        if (self.getSpec() == null || self.getSpec().getIngresses() == null || self.getSpec().getIngresses().isEmpty()) {
            return conflicts;
        }
        List<NetworkTopology> older = namespaceTopologies.stream()
                .filter(t -> !Objects.equals(t.getMetadata().getName(), self.getMetadata().getName()))
                .filter(t -> Objects.equals(t.getMetadata().getNamespace(), self.getMetadata().getNamespace()))
                .filter(t -> t.getMetadata().getDeletionTimestamp() == null)
                .filter(t -> AGE.compare(t, self) < 0)
                .sorted(AGE)
                .toList();
        for (IngressSpec ingress : self.getSpec().getIngresses()) {
            if (ingress == null) {
                continue;
            }
            for (Routes.Route route : Routes.of(ingress)) {
                for (NetworkTopology other : older) {
                    Routes.Route claimed = Routes.of(other).get(route.key());
                    if (claimed != null) {
                        conflicts.putIfAbsent(ingress.getName(), "route " + route + " is already routed by topology "
                                + other.getMetadata().getName() + " (ingress " + claimed.ingress() + "); this ingress was not written");
                    }
                }
            }
        }
        return conflicts;
    }

    /** Older first: by creation time, then by name, so that every operator replica agrees. */
    static final Comparator<NetworkTopology> AGE = Comparator
            .comparing((NetworkTopology t) -> created(t))
            .thenComparing(t -> t.getMetadata().getName());

    private static Instant created(NetworkTopology t) {
        String created = t.getMetadata().getCreationTimestamp();
        return created == null ? Instant.MAX : Instant.parse(created);
    }
}
