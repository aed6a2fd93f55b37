package io.networktopology.api.v1alpha1;

/** Used for both externalTrafficPolicy and internalTrafficPolicy. */
public enum TrafficPolicy {
    Cluster, Local
}
