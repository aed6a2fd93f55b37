package io.networktopology.status;

/** Condition types the operator writes into {@code status.conditions}. Documented in the README's status reference. */
public final class Conditions {

    /** The roll-up: True only when every other condition is True. */
    public static final String READY = "Ready";
    /** Every declared Service exists, is the operator's, matches the spec and has its addresses. */
    public static final String SERVICES_READY = "ServicesReady";
    /** Every declared Ingress exists, is the operator's, matches the spec and has an address from its controller. */
    public static final String INGRESSES_READY = "IngressesReady";
    /** Every DNS entry of the topology is served by the cluster's CoreDNS configuration. */
    public static final String DNS_CONFIGURED = "DnsConfigured";

    private Conditions() {
    }
}
