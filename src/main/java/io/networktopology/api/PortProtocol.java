package io.networktopology.api;

public enum PortProtocol {
    TCP, UDP, SCTP
}
