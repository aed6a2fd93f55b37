package io.networktopology.api.v1alpha1;

/** The kinds of Service a topology can declare. Headless is a ClusterIP Service with {@code clusterIP: None}. */
public enum ServiceType {
    ClusterIP,
    Headless,
    NodePort,
    LoadBalancer,
    ExternalName;

    public boolean exposesNodePorts() {
        return this == NodePort || this == LoadBalancer;
    }

    public boolean hasClusterIP() {
        return this == ClusterIP || this == NodePort || this == LoadBalancer;
    }

    /** The value of the Kubernetes Service's {@code spec.type}. */
    public String kubernetesType() {
        return this == Headless ? "ClusterIP" : name();
    }
}
