package io.networktopology.dependent;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.model.ChildLabels;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Counts the ready endpoints of the topology's Services. The EndpointSlice controller copies a Service's labels
 * onto its slices, so the operator's label selects exactly the slices of its own Services.
 */
public final class EndpointSliceObserver {

    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private EndpointSliceObserver() {
    }

    public static InformerEventSource<EndpointSlice, NetworkTopology> eventSource(EventSourceContext<NetworkTopology> context) {
        return ChildLabels.informer(EndpointSlice.class, "endpointslices", null, context);
    }

    /** The addresses of the ready endpoints per Service name, sorted (what a headless Service's name resolves to). */
    public static Map<String, java.util.List<String>> readyAddresses(Context<NetworkTopology> context) {
        Map<String, java.util.TreeSet<String>> addresses = new HashMap<>();
        forEachReadyAddress(context, (service, slice, address) -> addresses.computeIfAbsent(service, s -> new java.util.TreeSet<>())
                .add(address));
        return sortedLists(addresses);
    }

    /**
     * The ready endpoints of each Service port as {@code ip:port} (the port as the slice resolved it, also for a named
     * targetPort), keyed {@code <service>/<port name>} ("" for an unnamed port), sorted.
     */
    public static Map<String, java.util.List<String>> readyTargets(Context<NetworkTopology> context) {
        Map<String, java.util.TreeSet<String>> targets = new HashMap<>();
        forEachReadyAddress(context, (service, slice, address) -> {
            for (var port : slice.getPorts() == null ? java.util.List.<io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort>of()
                    : slice.getPorts()) {
                if (port.getPort() != null && (port.getProtocol() == null || "TCP".equals(port.getProtocol()))) {
                    targets.computeIfAbsent(service + "/" + (port.getName() == null ? "" : port.getName()), k -> new java.util.TreeSet<>())
                            .add(io.networktopology.model.DnsNames.bracketed(address) + ":" + port.getPort());
                }
            }
        });
        return sortedLists(targets);
    }

    /**
     * The nodes with a ready endpoint, per Service name: where an {@code externalTrafficPolicy: Local} NodePort
     * answers (an endpoint without a node name counts nowhere).
     */
    public static Map<String, Set<String>> readyNodes(Context<NetworkTopology> context) {
        Map<String, Set<String>> nodes = new HashMap<>();
        for (EndpointSlice slice : context.getSecondaryResources(EndpointSlice.class)) {
            Map<String, String> labels = slice.getMetadata().getLabels();
            String service = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
            for (Endpoint endpoint : service == null || slice.getEndpoints() == null ? java.util.List.<Endpoint>of() : slice.getEndpoints()) {
                if (ready(endpoint) && endpoint.getNodeName() != null) {
                    nodes.computeIfAbsent(service, s -> new java.util.TreeSet<>()).add(endpoint.getNodeName());
                }
            }
        }
        return nodes;
    }

    private interface ReadyAddress {
        void accept(String service, EndpointSlice slice, String address);
    }

    /** Every address of every ready endpoint in the slices of the topology's Services, with its Service and slice. */
    private static void forEachReadyAddress(Context<NetworkTopology> context, ReadyAddress action) {
        for (EndpointSlice slice : context.getSecondaryResources(EndpointSlice.class)) {
            Map<String, String> labels = slice.getMetadata().getLabels();
            String service = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
            if (service == null || slice.getEndpoints() == null) {
                continue;
            }
            for (Endpoint endpoint : slice.getEndpoints()) {
                if (ready(endpoint) && endpoint.getAddresses() != null) {
                    endpoint.getAddresses().forEach(address -> action.accept(service, slice, address));
                }
            }
        }
    }

    private static Map<String, java.util.List<String>> sortedLists(Map<String, java.util.TreeSet<String>> sets) {
        Map<String, java.util.List<String>> result = new HashMap<>();
        sets.forEach((key, set) -> result.put(key, java.util.List.copyOf(set)));
        return result;
    }

    /** An endpoint whose ready condition is unset counts as ready, as the API says. */
    private static boolean ready(Endpoint endpoint) {
        return endpoint.getConditions() == null || endpoint.getConditions().getReady() == null || endpoint.getConditions().getReady();
    }

    /** Ready endpoints per Service name. */
    public static Map<String, Integer> readyEndpoints(Context<NetworkTopology> context) {
        Map<String, Set<String>> addresses = new HashMap<>();
        for (EndpointSlice slice : context.getSecondaryResources(EndpointSlice.class)) {
            Map<String, String> labels = slice.getMetadata().getLabels();
            String service = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
            if (service == null || slice.getEndpoints() == null) {
                continue;
            }
            Set<String> ready = addresses.computeIfAbsent(service, s -> new HashSet<>());
            for (Endpoint endpoint : slice.getEndpoints()) {
                if (ready(endpoint) && endpoint.getAddresses() != null && !endpoint.getAddresses().isEmpty()) {
                    // A dual-stack pod appears in one slice per family: count the pod (targetRef) once.
                    String key = endpoint.getTargetRef() != null && endpoint.getTargetRef().getUid() != null
                            ? endpoint.getTargetRef().getUid() : endpoint.getAddresses().get(0);
                    ready.add(key);
                }
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        addresses.forEach((service, set) -> counts.put(service, set.size()));
        return counts;
    }
}
