package io.networktopology.model;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.networktopology.api.v1alpha1.NetworkTopology;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The labels that mark an object as created by the operator for one topology. */
public final class ChildLabels {

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "network-topology-operator";
    public static final String TOPOLOGY = "networktopology.io/topology";
    /** Label selector for the operator's informers: only objects it created are cached. */
    public static final String SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE;

    /** On probe pods and the probe echo Service: the run they belong to. Probe objects live only for one run. */
    public static final String PROBE_RUN = "networktopology.io/probe-run";
    /** On probe pods: echo, host-echo, local, client or node-client. */
    public static final String PROBE_ROLE = "networktopology.io/probe-role";

    private ChildLabels() {
    }

    public static Map<String, String> forTopology(String topologyName) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, MANAGED_BY_VALUE);
        labels.put(TOPOLOGY, topologyName);
        return labels;
    }

    /**
     * The metadata of a child: the spec's labels with the operator's on top (they cannot be overridden), the spec's
     * annotations, both sorted so that the same spec always gives the same object.
     */
    public static ObjectMeta metadata(String name, String namespace, String topologyName, Map<String, String> specLabels,
            Map<String, String> specAnnotations) {
        Map<String, String> labels = new TreeMap<>();
        if (specLabels != null) {
            labels.putAll(specLabels);
        }
        labels.putAll(forTopology(topologyName));
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(labels)
                .withAnnotations(specAnnotations == null || specAnnotations.isEmpty() ? null : new TreeMap<>(specAnnotations))
                .build();
    }

    /**
     * The informer of one kind of object the operator labelled ({@code extraSelector} narrows it, or is null), each
     * mapped to its topology: only the operator's objects are cached.
     */
    public static <T extends HasMetadata> InformerEventSource<T, NetworkTopology> informer(Class<T> type, String name,
            String extraSelector, EventSourceContext<NetworkTopology> context) {
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(type, NetworkTopology.class)
                .withName(name)
                .withLabelSelector(extraSelector == null ? SELECTOR : SELECTOR + "," + extraSelector)
                .withSecondaryToPrimaryMapper(byTopologyLabel())
                .build(), context);
    }

    /**
     * Maps a child to its topology: by its controller owner reference when it has one (a hand edit of the topology
     * label must not hide the child from the topology that owns it, which then puts the label back), else by the
     * topology label, in the child's namespace.
     */
    /** The informer of one kind known only at run time (a Gateway API route in the version the cluster serves). */
    public static InformerEventSource<GenericKubernetesResource, NetworkTopology> informer(GroupVersionKind kind, String name,
            EventSourceContext<NetworkTopology> context) {
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(kind, NetworkTopology.class)
                .withName(name)
                .withLabelSelector(SELECTOR)
                .withSecondaryToPrimaryMapper(byTopologyLabel())
                .build(), context);
    }

    private static <T extends HasMetadata> SecondaryToPrimaryMapper<T> byTopologyLabel() {
        return child -> {
            String namespace = child.getMetadata().getNamespace();
            if (child.getMetadata().getOwnerReferences() != null) {
                for (var owner : child.getMetadata().getOwnerReferences()) {
                    if (NetworkTopology.KIND.equals(owner.getKind()) && owner.getApiVersion() != null
                            && owner.getApiVersion().startsWith(NetworkTopology.GROUP + "/") && Boolean.TRUE.equals(owner.getController())) {
                        return Set.of(new ResourceID(owner.getName(), namespace));
                    }
                }
            }
            Map<String, String> labels = child.getMetadata().getLabels();
            String topology = labels == null ? null : labels.get(TOPOLOGY);
            return topology == null ? Set.of() : Set.of(new ResourceID(topology, namespace));
        };
    }

    public static boolean isProbeObject(HasMetadata object) {
        return object.getMetadata().getLabels() != null && object.getMetadata().getLabels().containsKey(PROBE_RUN);
    }

    public static boolean isReserved(String labelKey) {
        return MANAGED_BY.equals(labelKey) || TOPOLOGY.equals(labelKey);
    }
}
