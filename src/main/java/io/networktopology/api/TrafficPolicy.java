package io.networktopology.api;

/** Used for both externalTrafficPolicy and internalTrafficPolicy. */
public enum TrafficPolicy {
    Cluster, Local
}
