package io.networktopology.probe;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which nodes a probe run spreads over: the nodes the scheduler would place a probe pod on (the NodeUnschedulable,
 * node-selector and TaintToleration filters, with the scheduler's own toleration semantics), sampled per topology.
 * Pure: the nodes come from the operator's informer.
 */
public final class ProbeNodes {

    private ProbeNodes() {
    }


    /**
     * A node a probe pod can be scheduled on: schedulable, not NotReady, matching the probe node selector, and every
     * NoSchedule/NoExecute taint tolerated by the probe tolerations (a control-plane node usually is not). A pod
     * pinned to a node it cannot run on would be reported as an outage on every run.
     */
    public static boolean canRunProbes(Node node, ProbeSettings settings) {
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            return false;
        }
        boolean notReady = node.getStatus() != null && node.getStatus().getConditions() != null && node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && !"True".equals(c.getStatus()));
        if (notReady) {
            return false;
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        if (!settings.nodeSelector().entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
            return false;
        }
        List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null
                ? List.of() : node.getSpec().getTaints();
        return taints.stream().filter(t -> "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()))
                .allMatch(t -> settings.tolerations().stream().anyMatch(tol -> tolerates(tol, t)));
    }

    /**
     * The scheduler's own rule (k8s.io/api/core/v1 Toleration.ToleratesTaint): the effect matches or is empty, the key
     * matches or is empty, and then operator Exists matches any value, Equal (or none) the same value.
     */
    public static boolean tolerates(Toleration toleration, Taint taint) {
        if (!isEmpty(toleration.getEffect()) && !toleration.getEffect().equals(taint.getEffect())) {
            return false;
        }
        if (!isEmpty(toleration.getKey()) && !toleration.getKey().equals(taint.getKey())) {
            return false;
        }
        String operator = toleration.getOperator() == null ? "" : toleration.getOperator();
        return switch (operator) {
            case "", "Equal" -> Objects.equals(Objects.requireNonNullElse(toleration.getValue(), ""), Objects.requireNonNullElse(taint.getValue(), ""));
            case "Exists" -> true;
            default -> false;
        };
    }

    private static boolean isEmpty(String text) {
        return text == null || text.isEmpty();
    }

    /** A deterministic per-topology sample of at most maxNodes of the nodes that can run probe pods, by name. */
    public static List<String> sample(List<Node> nodes, String seed, ProbeSettings settings) {
        return nodes.stream()
                .filter(n -> canRunProbes(n, settings))
                .map(n -> n.getMetadata().getName())
                .sorted(Comparator.comparing((String name) -> Integer.toUnsignedString((seed + "/" + name).hashCode())).thenComparing(name -> name))
                .limit(settings.maxNodes())
                .sorted()
                .toList();
    }
}
