package io.networktopology.probe;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.networktopology.api.v1alpha1.ProbesSpec.ProbePath;

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
        return whyNot(node, settings) == null;
    }

    /** Why no probe pod can run on {@code node} (see {@link #canRunProbes}), or null when one can. */
    public static Reason whyNot(Node node, ProbeSettings settings) {
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            return new Reason("cordoned (spec.unschedulable)", true);
        }
        boolean notReady = node.getStatus() != null && node.getStatus().getConditions() != null && node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && !"True".equals(c.getStatus()));
        if (notReady) {
            return new Reason("not Ready", true);
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        for (Map.Entry<String, String> wanted : settings.nodeSelector().entrySet()) {
            if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
                return new Reason("outside the probe node selector " + wanted.getKey() + "=" + wanted.getValue(), false);
            }
        }
        List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null
                ? List.of() : node.getSpec().getTaints();
        return taints.stream().filter(t -> "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()))
                .filter(t -> settings.tolerations().stream().noneMatch(tol -> tolerates(tol, t))).findFirst()
                .map(t -> new Reason("taint " + t.getKey() + (isEmpty(t.getValue()) ? "" : "=" + t.getValue()) + ":" + t.getEffect()
                        + " not tolerated by the probe pods", false))
                .orElse(null);
    }

    /**
     * Why a node is left out of the probes.
     *
     * @param gap the node's state (cordoned, not Ready), not the operator's configuration, keeps it out: paths the
     *            topology promises there go unchecked, which the verdict must not hide
     */
    public record Reason(String text, boolean gap) {
    }

    /**
     * What a run on these nodes leaves unchecked.
     *
     * @param summary one sentence: the nodes probed, and every other node with why not
     * @param gaps    what the topology promises that no check covers (a node cordoned or not Ready; pod to pod across
     *                nodes when fewer than two nodes can run probe pods in a cluster of several)
     * @param sampled how many nodes the run's probe pods went to
     */
    public record Coverage(String summary, List<String> gaps, int sampled) {
    }

    public static Coverage coverage(List<Node> nodes, String seed, ProbeSettings settings, List<ProbePath> paths) {
        boolean podToPod = paths.contains(ProbePath.PodToPod);
        // Only paths that run from or to nodes leave a node's paths unchecked (DNS and container to container do not).
        boolean nodePaths = podToPod || paths.contains(ProbePath.PodToService) || paths.contains(ProbePath.ExternalToService)
                || paths.contains(ProbePath.NodeToNode);
        List<String> sample = sample(nodes, seed, settings);
        List<String> others = new java.util.ArrayList<>();
        List<String> gaps = new java.util.ArrayList<>();
        for (Node node : nodes.stream().sorted(Comparator.comparing(n -> n.getMetadata().getName())).toList()) {
            String name = node.getMetadata().getName();
            if (sample.contains(name)) {
                continue;
            }
            Reason why = whyNot(node, settings);
            String text = why == null ? "outside this topology's sample of " + settings.maxNodes() + " (networktopology.probes.max-nodes)" : why.text();
            others.add(name + " (" + text + ")");
            if (why != null && why.gap() && nodePaths) {
                gaps.add("node " + name + ": " + text + "; no probe pod runs there, so pods on it, Services from it and its NodePorts are not checked");
            }
        }
        if (podToPod && nodes.size() > 1 && sample.size() < 2) {
            gaps.add("pod to pod across nodes: " + (sample.isEmpty() ? "no node" : "only " + sample.get(0)) + " of " + nodes.size()
                    + " nodes can run probe pods");
        }
        String summary = (sample.isEmpty() ? "no node can run probe pods" : "probed on " + String.join(", ", sample) + " (" + sample.size()
                + " of " + nodes.size() + (nodes.size() == 1 ? " node)" : " nodes)")) + (others.isEmpty() ? "" : "; not on " + String.join(", ", others));
        return new Coverage(summary, gaps, sample.size());
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
