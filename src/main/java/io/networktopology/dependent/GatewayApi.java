package io.networktopology.dependent;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.model.GatewayRouteModel;
import io.networktopology.model.GatewayRouteModel.Kind;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Which Gateway API route kinds the API server serves, and in which version: found by discovery, not assumed — a cluster
 * may have no Gateway API at all, only the standard channel (HTTP and gRPC routes), or the experimental channel too
 * (TLS, TCP, UDP routes, v1alpha2 in v1.4, v1 in newer releases). What was found is kept; while a kind a topology
 * declares is missing, one thread asks again every {@link #RECHECK} (the CRDs may be installed at any time) and wakes
 * the waiting topologies when it appears, so their routes are created without a restart — one request per interval,
 * however many topologies wait, and none of them rescheduled meanwhile.
 */
public final class GatewayApi {

    /** How often the API server is asked again while a topology waits for a kind. */
    public static final Duration RECHECK = Duration.ofSeconds(30);
    /** Preferred first: the newest stable version a kind is served in. */
    static final List<String> VERSIONS = List.of("v1", "v1beta1", "v1alpha2");

    /**
     * The version of each served kind ({@code gateway.networking.k8s.io/v1}), or none; and of Gateways (where routes
     * are reached from: their listeners and addresses), or null.
     */
    public record Served(Map<Kind, String> apiVersions, String gateways) {
        public static final Served NONE = new Served(Map.of(), null);

        public Served(Map<Kind, String> apiVersions) {
            this(apiVersions, null);
        }

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
    /** Topologies that declare a kind the cluster does not serve: woken when it does. */
    private final java.util.Set<ResourceID> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final SimpleInboundEventSource<NetworkTopology> wake = new SimpleInboundEventSource<>("gateway-api");
    private java.util.concurrent.ScheduledExecutorService asker;

    /** The source that wakes the topologies waiting for a kind (register it with the controller's event sources). */
    public SimpleInboundEventSource<NetworkTopology> wakeSource() {
        return wake;
    }

    /**
     * What the API server serves: asked once, at the first call (the reconciles that come meanwhile wait for that one
     * answer); after that the known answer, never a request in a reconcile.
     */
    public Served served(KubernetesClient client) {
        Served known = served;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (served == null) {
                served = discover(client);
            }
            return served;
        }
    }

    /**
     * {@code topology} declares a kind the cluster does not serve: while any topology waits, one thread of the operator's
     * own asks the API server again every {@link #RECHECK} and wakes every waiting topology when a kind appears — one
     * request per interval however many wait, and no topology is looked at again before then.
     */
    public synchronized void waitFor(ResourceID topology, KubernetesClient client) {
        waiting.add(topology);
        if (asker == null) {
            asker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "gateway-api-discovery");
                thread.setDaemon(true);
                return thread;
            });
            asker.scheduleWithFixedDelay(() -> askAgain(client), RECHECK.toMillis(), RECHECK.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /** {@code topology} waits for nothing (any more). */
    public void satisfied(ResourceID topology) {
        waiting.remove(topology);
    }

    private void askAgain(KubernetesClient client) {
        if (waiting.isEmpty()) {
            return;
        }
        try {
            Served now = discover(client);
            if (!now.equals(served)) {
                served = now;
                java.util.List<ResourceID> woken = java.util.List.copyOf(waiting);
                waiting.removeAll(woken);
                woken.forEach(wake::propagateEvent);
            }
        } catch (RuntimeException e) {
            // The API server away: asked again at the next interval.
        }
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
        String gateways = null;
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
                if (gateways == null && "gateways".equals(resource.getName())) {
                    gateways = GatewayRouteModel.GROUP + "/" + version;
                }
            }
        }
        return new Served(Collections.unmodifiableMap(versions), gateways);
    }
}
