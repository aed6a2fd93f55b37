package io.networktopology.api.v1alpha1;

/** How an ingress path matches, as in networking.k8s.io/v1. */
public enum PathType {
    Exact, Prefix, ImplementationSpecific
}
