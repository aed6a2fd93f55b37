package io.networktopology.api;

public enum IPFamily {
    IPv4, IPv6
}
