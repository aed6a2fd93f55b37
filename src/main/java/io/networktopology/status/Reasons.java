package io.networktopology.status;

/** Reasons used in conditions (CamelCase, as the Kubernetes API conventions ask). */
public final class Reasons {

    /** Ready=True: everything the topology declares is in place. */
    public static final String TOPOLOGY_READY = "TopologyReady";
    /** ServicesReady=True. */
    public static final String ALL_SERVICES_READY = "AllServicesReady";
    /** The spec breaks a rule; the message lists each problem with its field path. Nothing was changed. */
    public static final String INVALID_SPEC = "InvalidSpec";
    /** IngressesReady=True. */
    public static final String ALL_INGRESSES_READY = "AllIngressesReady";
    /** An Ingress of a declared name belongs to someone else, or one of its routes is another topology's. */
    public static final String INGRESS_CONFLICT = "IngressConflict";
    /** DnsConfigured=True: every entry is in the CoreDNS configuration. */
    public static final String DNS_APPLIED = "DnsApplied";
    /** DnsConfigured=True: the topology declares no DNS entries. */
    public static final String NO_DNS_ENTRIES = "NoDnsEntries";
    /** A DNS name is already claimed by an older topology. */
    public static final String DNS_CONFLICT = "DnsConflict";
    /** A DNS entry is outside what the cluster admin allows for the namespace. */
    public static final String DNS_POLICY_VIOLATION = "DnsPolicyViolation";
    /** The Corefile cannot be parsed; it was left untouched. */
    public static final String COREFILE_UNPARSEABLE = "CorefileUnparseable";
    /** The cluster's DNS cannot be changed safely (no CoreDNS ConfigMap, or its owner reverts edits). */
    public static final String DNS_UNSUPPORTED = "DnsUnsupported";
    /** An entry cannot be served yet (e.g. its name goes to a server block without the kubernetes plugin). */
    public static final String DNS_PENDING = io.networktopology.dns.DnsSync.BEING_WRITTEN;
    /** A Service with a declared name exists and was not created by this topology; it was left untouched. */
    public static final String SERVICE_CONFLICT = "ServiceConflict";
    /** Waiting for an address (a load balancer's or an ingress controller's); progressing, not failed. */
    public static final String AWAITING_ADDRESS = "AwaitingAddress";
    /** The API server refused a Service the topology declares (e.g. its nodePort is taken); retried with capped backoff. */
    public static final String SERVICE_REJECTED = "ServiceRejected";
    /** The API server refused an Ingress the topology declares; retried with capped backoff. */
    public static final String INGRESS_REJECTED = "IngressRejected";
    /** The last reconcile failed with an error talking to the API server; it is retried with backoff. */
    public static final String RECONCILE_FAILED = "ReconcileFailed";

    /** PolicyFree=True: no NetworkPolicy in the topology's namespace or CoreDNS's. */
    public static final String NO_POLICIES = "NoPolicies";
    /** PolicyFree=True: NetworkPolicies there, none selecting the topology's pods, its probe pods or CoreDNS. */
    public static final String NO_POLICY_SELECTS = "NoPolicySelects";
    /** PolicyFree=False: policies select the pods, and allow every promised path. */
    public static final String POLICIES_ALLOW_PATHS = "PoliciesAllowPaths";
    /** PolicyFree=False: policies block promised paths (named in the message). */
    public static final String PATHS_BLOCKED = "PathsBlocked";
    /** PolicyFree=Unknown: the policies could not be held against the paths (a read refused). */
    public static final String POLICIES_NOT_EVALUATED = "PoliciesNotEvaluated";

    /** Ready=True and ConnectivityVerified=True: every check of the last probe run passed. */
    public static final String ALL_PATHS_VERIFIED = "AllPathsVerified";
    /** Every check passed, but something the topology promises was not checked (a node cordoned or not Ready, one node for probes). */
    public static final String VERIFIED_WITH_GAPS = "VerifiedWithGaps";
    /** ConnectivityVerified=Unknown: some checks failed, but fewer than failureThreshold runs in a row (damped, not an outage yet). */
    public static final String FAILURES_BELOW_THRESHOLD = "FailuresBelowThreshold";
    /** ConnectivityVerified=True: the chosen paths gave nothing to check (e.g. no services yet). */
    public static final String NOTHING_TO_PROBE = "NothingToProbe";
    /** ConnectivityVerified=False: a check failed failureThreshold runs in a row. */
    public static final String CONNECTIVITY_FAILED = "ConnectivityFailed";
    /** ConnectivityVerified=Unknown: no probe run has finished yet. */
    public static final String PROBES_PENDING = "ProbesPending";
    /** ConnectivityVerified=True: the topology (or the operator) switched probes off. */
    public static final String PROBES_DISABLED = "ProbesDisabled";

    /** RoutesReady True: every route accepted by its Gateways. */
    public static final String ALL_ROUTES_ACCEPTED = "AllRoutesAccepted";
    /** RoutesReady False: the cluster does not serve a declared route kind (its Gateway API CRD is not installed). */
    public static final String GATEWAY_API_NOT_INSTALLED = "GatewayAPINotInstalled";
    /** RoutesReady False: the API server refused a route. */
    public static final String ROUTE_REJECTED = "RouteRejected";
    /** RoutesReady False: a route's name is taken, or another topology routes its hostname on that Gateway. */
    public static final String ROUTE_CONFLICT = "RouteConflict";
    /** RoutesReady False: a Gateway refused a route, or cannot resolve its backends. */
    public static final String ROUTE_NOT_ACCEPTED = "RouteNotAccepted";
    /** RoutesReady False: no Gateway controller has answered for a route yet. */
    public static final String AWAITING_GATEWAY = "AwaitingGateway";

    private Reasons() {
    }
}
