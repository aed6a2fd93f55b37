package io.networktopology.status;

/** Condition types the operator writes into {@code status.conditions}. Documented in docs/status.md. */
public final class Conditions {

    /** The roll-up: True only when no other condition is False (ConnectivityVerified is Unknown until the first probe run). */
    public static final String READY = "Ready";
    /** Every declared Service exists, is the operator's, matches the spec and has its addresses. */
    public static final String SERVICES_READY = "ServicesReady";
    /** Every declared Ingress exists, is the operator's, matches the spec and has an address from its controller. */
    public static final String INGRESSES_READY = "IngressesReady";
    /**
     * Every declared Gateway API route exists, is the operator's, and was accepted by each Gateway it names, which also
     * resolved its backends. Only on topologies that declare routes.
     */
    public static final String ROUTES_READY = "RoutesReady";
    /** Every DNS entry of the topology is served by the cluster's CoreDNS configuration. */
    public static final String DNS_CONFIGURED = "DnsConfigured";

    /** The last connectivity probe run found every probed path working (damped: see spec.probes.failureThreshold). */
    public static final String CONNECTIVITY_VERIFIED = "ConnectivityVerified";

    /**
     * The topology's premise, a network without NetworkPolicies in its way: True when none selects its pods, its probe
     * pods or CoreDNS; False when some do, saying which and which promised paths they block. Informational: it does not
     * hold Ready back (a blocked path the probes check fails ConnectivityVerified).
     */
    public static final String POLICY_FREE = "PolicyFree";

    private Conditions() {
    }
}
