package io.networktopology.api.v1alpha1;

public enum PortProtocol {
    TCP, UDP, SCTP
}
