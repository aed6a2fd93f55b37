package io.networktopology.probe;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One check a probe pod runs, as the operator plans it. One class for every kind so that the plan is a plain JSON
 * list; each kind reads the fields it needs.
 *
 * <ul>
 * <li>{@code tcp}: connect to {@code host}:{@code port}.</li>
 * <li>{@code http}: GET {@code scheme}://{@code host}:{@code port}{@code path} with the Host header (and TLS SNI)
 *     {@code hostHeader}; passes when the status is in {@code expectStatusClass} (2, 3, 4 or 5; default 2), or, with
 *     {@code maxStatusClass}, in any class up to it (an ingress that answers 404 for a path still routed it).</li>
 * <li>{@code dns}: ask {@code server} (ip:port; default the pod's resolver) for {@code name}/{@code recordType};
 *     passes when the answers include every {@code expect} value (or, with {@code expectNxdomain}, on NXDOMAIN).</li>
 * <li>{@code endpoints}: connect to every {@code expect} address ({@code ip:port}, a Service's ready endpoints, each
 *     with {@code timeoutMs}); passes when every one answers.</li>
 * <li>{@code echo}: connect to an echo server {@code attempts} times; passes when every answer saw the client's own
 *     address {@code expectSource} (no NAT) and, with {@code expectBackends}, that many distinct backends answered.
 *     An {@code expectSource} of {@code $POD_IP} (or any {@code $NAME}) is read from the environment.</li>
 * </ul>
 * With {@code retryForMs}, a failing check is tried again (once a second) until it passes or that time is up: for DNS
 * entries the operator just wrote, which CoreDNS serves only once the kubelet has synced its ConfigMap and it reloaded.
 * With {@code sourceRanges} (a load balancer's {@code loadBalancerSourceRanges}), the check is run only from a pod whose
 * address ({@code $POD_IP}) is in one of them, and is skipped, saying why, from any other: the load balancer refuses
 * that pod by design, and a refusal would prove nothing.
 * {@code path}, {@code from} and {@code to} describe the check for status; the probe program does not read them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeCheck(String id, String type, String host, Integer port, String scheme, String path, String hostHeader,
        Integer expectStatusClass, Integer maxStatusClass, String server, String name, String recordType, List<String> expect,
        Boolean expectNxdomain, String expectSource, Integer expectBackends, Integer attempts, Integer timeoutMs,
        String network, String from, String to, Integer retryForMs, List<String> sourceRanges) {

    public int timeout() {
        return timeoutMs == null ? 3000 : timeoutMs;
    }

    public static ProbeCheck tcp(String id, String host, int port) {
        return new ProbeCheck(id, "tcp", host, port, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }

    public static ProbeCheck http(String id, String host, int port, String path, String hostHeader) {
        return new ProbeCheck(id, "http", host, port, "http", path, hostHeader, 2, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null);
    }

    public static ProbeCheck dns(String id, String server, String name, String recordType, List<String> expect) {
        return new ProbeCheck(id, "dns", null, null, null, null, null, null, null, server, name, recordType, expect, null, null, null,
                null, null, null, null, null, null, null);
    }

    /** Every ready endpoint ({@code ip:port}, IPv6 in brackets) of a Service port, connected to one by one. */
    public static ProbeCheck endpoints(String id, List<String> hostPorts) {
        return new ProbeCheck(id, "endpoints", null, null, null, null, null, null, null, null, null, null, hostPorts, null, null, null,
                null, 2000, null, null, null, null, null);
    }

    /** How long the whole check may take, retries aside: every endpoint's timeout for {@code endpoints}. */
    public long bound() {
        return "endpoints".equals(type) && expect != null ? (long) timeout() * Math.max(1, expect.size()) : timeout();
    }

    public static ProbeCheck echo(String id, String host, int port, String expectSource, Integer expectBackends, int attempts) {
        return new ProbeCheck(id, "echo", host, port, null, null, null, null, null, null, null, null, null, null, expectSource,
                expectBackends, attempts, null, null, null, null, null, null);
    }

    public ProbeCheck withTimeoutMs(int ms) {
        return new ProbeCheck(id, type, host, port, scheme, path, hostHeader, expectStatusClass, maxStatusClass, server, name,
                recordType, expect, expectNxdomain, expectSource, expectBackends, attempts, ms, network, from, to, retryForMs, sourceRanges);
    }

    /** Keep trying a failing check for this long: the change it checks may still be on its way. */
    public ProbeCheck withRetryForMs(Integer ms) {
        return new ProbeCheck(id, type, host, port, scheme, path, hostHeader, expectStatusClass, maxStatusClass, server, name,
                recordType, expect, expectNxdomain, expectSource, expectBackends, attempts, timeoutMs, network, from, to, ms, sourceRanges);
    }

    public ProbeCheck withExpectNxdomain() {
        return new ProbeCheck(id, type, host, port, scheme, path, hostHeader, expectStatusClass, maxStatusClass, server, name,
                recordType, expect, true, expectSource, expectBackends, attempts, timeoutMs, network, from, to, retryForMs, sourceRanges);
    }

    public ProbeCheck withExpectStatusClass(int statusClass) {
        return new ProbeCheck(id, type, host, port, scheme, path, hostHeader, statusClass, null, server, name, recordType, expect,
                expectNxdomain, expectSource, expectBackends, attempts, timeoutMs, network, from, to, retryForMs, sourceRanges);
    }

    /** Passes on any HTTP status up to this class (4: anything but a server error). */
    public ProbeCheck withMaxStatusClass(int statusClass) {
        return new ProbeCheck(id, type, host, port, scheme, path, hostHeader, null, statusClass, server, name, recordType, expect,
                expectNxdomain, expectSource, expectBackends, attempts, timeoutMs, network, from, to, retryForMs, sourceRanges);
    }

    public ProbeCheck withScheme(String newScheme) {
        return new ProbeCheck(id, type, host, port, newScheme, path, hostHeader, expectStatusClass, maxStatusClass, server, name,
                recordType, expect, expectNxdomain, expectSource, expectBackends, attempts, timeoutMs, network, from, to, retryForMs, sourceRanges);
    }

    public ProbeCheck withId(String newId) {
        return new ProbeCheck(newId, type, host, port, scheme, path, hostHeader, expectStatusClass, maxStatusClass, server, name,
                recordType, expect, expectNxdomain, expectSource, expectBackends, attempts, timeoutMs, network, from, to, retryForMs, sourceRanges);
    }

    public ProbeCheck withServer(String newServer) {
        return new ProbeCheck(id, type, host, port, scheme, path, hostHeader, expectStatusClass, maxStatusClass, newServer, name,
                recordType, expect, expectNxdomain, expectSource, expectBackends, attempts, timeoutMs, network, from, to, retryForMs, sourceRanges);
    }

    /** Run only from sources in these CIDRs (a load balancer's source ranges); skipped from anywhere else. */
    public ProbeCheck withSourceRanges(List<String> ranges) {
        return new ProbeCheck(id, type, host, port, scheme, path, hostHeader, expectStatusClass, maxStatusClass, server, name,
                recordType, expect, expectNxdomain, expectSource, expectBackends, attempts, timeoutMs, network, from, to, retryForMs, ranges);
    }

    /** Describes the check for status: which network path of the Kubernetes model, from where, to what. */
    public ProbeCheck on(String networkPath, String fromWhat, String toWhat) {
        return new ProbeCheck(id, type, host, port, scheme, path, hostHeader, expectStatusClass, maxStatusClass, server, name,
                recordType, expect, expectNxdomain, expectSource, expectBackends, attempts, timeoutMs, networkPath, fromWhat, toWhat, retryForMs, sourceRanges);
    }
}
