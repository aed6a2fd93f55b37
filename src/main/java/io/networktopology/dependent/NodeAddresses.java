package io.networktopology.dependent;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.networktopology.api.v1alpha1.NetworkTopology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The node addresses a NodePort is reachable on, read from a cache of Nodes. Node changes do not trigger reconciles
 * (every topology would wake up for every kubelet heartbeat); the addresses are read when a topology reconciles.
 */
public final class NodeAddresses {

    private NodeAddresses() {
    }

    public static InformerEventSource<Node, NetworkTopology> eventSource(EventSourceContext<NetworkTopology> context) {
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(Node.class, NetworkTopology.class)
                .withName("nodes")
                // Nodes are cluster-scoped: one informer, whatever namespaces the operator watches (following them gave
                // one informer of every Node per watched namespace).
                .withWatchAllNamespaces()
                .withFollowControllerNamespacesChanges(false)
                .withSecondaryToPrimaryMapper(node -> Set.of())
                .withOnUpdateFilter((newNode, oldNode) -> false)
                .withOnAddFilter(node -> false)
                .withOnDeleteFilter((node, unknown) -> false)
                .build(), context);
    }

    /** ExternalIP first, then InternalIP, per node, nodes in name order. */
    public static List<String> of(Context<NetworkTopology> context) {
        List<String> addresses = new ArrayList<>();
        for (Node node : nodes(context)) {
            String address = preferred(node);
            if (address != null) {
                addresses.add(address);
            }
        }
        return addresses;
    }

    /** The cached Nodes, in name order. */
    public static List<Node> nodes(Context<NetworkTopology> context) {
        @SuppressWarnings("unchecked")
        InformerEventSource<Node, NetworkTopology> nodes =
                (InformerEventSource<Node, NetworkTopology>) context.eventSourceRetriever().getEventSourceFor(Node.class);
        List<Node> sorted = new ArrayList<>(nodes.list(n -> true).toList());
        sorted.sort(Comparator.comparing(n -> n.getMetadata().getName()));
        return sorted;
    }

    /** The address a NodePort is reached on from outside: ExternalIP, else InternalIP; null when the node has neither. */
    public static String preferred(Node node) {
        if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
            return null;
        }
        return node.getStatus().getAddresses().stream()
                .filter(a -> "ExternalIP".equals(a.getType()) || "InternalIP".equals(a.getType()))
                .sorted(Comparator.comparing(a -> "ExternalIP".equals(a.getType()) ? 0 : 1))
                .map(NodeAddress::getAddress)
                .findFirst()
                .orElse(null);
    }

    public static String internal(Node node) {
        if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
            return null;
        }
        return node.getStatus().getAddresses().stream().filter(a -> "InternalIP".equals(a.getType())).map(NodeAddress::getAddress)
                .findFirst().orElse(null);
    }
}
