package io.networktopology.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** The labels that mark an object as created by the operator for one topology. */
public final class ChildLabels {

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "network-topology-operator";
    public static final String TOPOLOGY = "networktopology.io/topology";
    /** Label selector for the operator's informers: only objects it created are cached. */
    public static final String SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE;

    private ChildLabels() {
    }

    public static Map<String, String> forTopology(String topologyName) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, MANAGED_BY_VALUE);
        labels.put(TOPOLOGY, topologyName);
        return labels;
    }

    public static boolean isReserved(String labelKey) {
        return MANAGED_BY.equals(labelKey) || TOPOLOGY.equals(labelKey);
    }
}
