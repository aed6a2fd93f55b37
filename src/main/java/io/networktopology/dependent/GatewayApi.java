package io.networktopology.dependent;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.networktopology.model.GatewayRouteModel;
import io.networktopology.model.GatewayRouteModel.Kind;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Which Gateway API route kinds the API server serves, and in which version: found by discovery, not assumed — a cluster
 * may have no Gateway API at all, only the standard channel (HTTP and gRPC routes), or the experimental channel too
 * (TLS, TCP, UDP routes, v1alpha2 in v1.4, v1 in newer releases). What was found is kept; while a kind a topology
 * declares is missing, it is looked up again at most every {@link #RECHECK} (the CRDs may be installed at any time, and
 * the routes are then created without a restart), never more often, however many topologies ask.
 */
public final class GatewayApi {

    /** How old a discovery may be when a kind someone asks for was missing in it. */
    public static final Duration RECHECK = Duration.ofSeconds(30);
    /** Preferred first: the newest stable version a kind is served in. */
    static final List<String> VERSIONS = List.of("v1", "v1beta1", "v1alpha2");

    /** The version of each served kind ({@code gateway.networking.k8s.io/v1}), or none. */
    public record Served(Map<Kind, String> apiVersions) {
        public static final Served NONE = new Served(Map.of());

        public boolean serves(Kind kind) {
            return apiVersions.containsKey(kind);
        }

        public String apiVersion(Kind kind) {
            return apiVersions.get(kind);
        }
    }

    /** What to install for a kind the cluster does not serve, in words. */
    public static String notInstalled(Kind kind) {
        String channel = kind == Kind.HTTPRoute || kind == Kind.GRPCRoute ? "standard" : "experimental";
        return "this cluster does not serve " + kind.plural + "." + GatewayRouteModel.GROUP + ": install the Gateway API CRDs ("
                + channel + " channel, e.g. kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/"
                + "v1.4.1/" + channel + "-install.yaml) and a Gateway controller that implements " + kind.name()
                + "; the route is written as soon as the API server serves it";
    }

    private volatile Served served;
    private volatile Instant foundAt = Instant.MIN;
    private final java.util.concurrent.atomic.AtomicBoolean asking = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * What the API server serves. Asked once at the first call (the reconciles that come meanwhile wait for that one
     * answer); after that, again only when {@code wanted} is not all served and the answer is older than {@link #RECHECK},
     * by one reconcile while the others go on with what is known: no reconcile waits on another's request.
     */
    public Served served(KubernetesClient client, java.util.Set<Kind> wanted, Instant now) {
        Served known = served;
        if (known == null) {
            synchronized (this) {
                if (served == null) {
                    served = discover(client);
                    foundAt = now;
                }
                return served;
            }
        }
        boolean missing = wanted.stream().anyMatch(k -> !known.serves(k));
        if (missing && !foundAt.plus(RECHECK).isAfter(now) && asking.compareAndSet(false, true)) {
            try {
                served = discover(client);
                foundAt = now;
                return served;
            } finally {
                asking.set(false);
            }
        }
        return known;
    }

    static Served discover(KubernetesClient client) {
        APIGroup group;
        try {
            group = client.getApiGroup(GatewayRouteModel.GROUP);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return Served.NONE;
            }
            throw e;
        }
        if (group == null || group.getVersions() == null) {
            return Served.NONE;
        }
        Map<Kind, String> versions = new EnumMap<>(Kind.class);
        List<String> offered = group.getVersions().stream().map(GroupVersionForDiscovery::getVersion).toList();
        for (String version : VERSIONS) {
            if (!offered.contains(version)) {
                continue;
            }
            APIResourceList resources = client.getApiResources(GatewayRouteModel.GROUP + "/" + version);
            for (APIResource resource : resources == null || resources.getResources() == null ? List.<APIResource>of() : resources.getResources()) {
                for (Kind kind : Kind.values()) {
                    if (kind.plural.equals(resource.getName())) {
                        versions.putIfAbsent(kind, GatewayRouteModel.GROUP + "/" + version);
                    }
                }
            }
        }
        return new Served(Collections.unmodifiableMap(versions));
    }
}
