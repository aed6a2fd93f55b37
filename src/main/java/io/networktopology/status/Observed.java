package io.networktopology.status;

import io.networktopology.api.v1alpha1.ConnectivityStatus;
import io.networktopology.api.v1alpha1.DnsStatus;
import io.networktopology.api.v1alpha1.EntryPoint;

import java.util.List;

/**
 * What the steps of one reconcile found, part by part: the input of the status aggregator ({@link TopologyStatusBuilder}).
 *
 * @param dns the topology's DNS part; {@link Dns#NONE} when it declares no DNS entries (and never did)
 * @param connectivity what probing found; {@link Connectivity#NOT_WIRED} leaves the ConnectivityVerified condition out
 */
public record Observed(List<ServiceObservation> services, List<IngressObservation> ingresses, List<EntryPoint> entryPoints,
        Dns dns, Connectivity connectivity, List<RouteObservation> routes, Policy policy) {

    /** Without the PolicyFree condition (not evaluated). */
    public Observed(List<ServiceObservation> services, List<IngressObservation> ingresses, List<EntryPoint> entryPoints, Dns dns,
            Connectivity connectivity, List<RouteObservation> routes) {
        this(services, ingresses, entryPoints, dns, connectivity, routes, null);
    }

    /** The PolicyFree condition's verdict. */
    public record Policy(String status, String reason, String message) {
    }

    /** Without Gateway API routes. */
    public Observed(List<ServiceObservation> services, List<IngressObservation> ingresses, List<EntryPoint> entryPoints, Dns dns,
            Connectivity connectivity) {
        this(services, ingresses, entryPoints, dns, connectivity, List.of(), null);
    }

    /** The topology's DNS entries and the DnsConfigured verdict on them. */
    public record Dns(DnsStatus status, DnsReport.Verdict verdict) {
        public static final Dns NONE = new Dns(null, null);
    }

    /** The last probe results (null before the first run) and the ConnectivityVerified verdict. */
    public record Connectivity(ConnectivityStatus status, ConnectivityReport.Verdict verdict) {
        public static final Connectivity NOT_WIRED = new Connectivity(null, null);
    }

    /** Services only: no ingresses, entry points, DNS entries or probes. */
    public static Observed services(List<ServiceObservation> services) {
        return new Observed(services, List.of(), List.of(), Dns.NONE, Connectivity.NOT_WIRED);
    }
}
