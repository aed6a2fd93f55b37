package io.networktopology.api.v1alpha1;

public enum IPFamily {
    IPv4, IPv6
}
