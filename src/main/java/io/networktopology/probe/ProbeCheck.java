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
 *     {@code hostHeader}; passes when the status is in {@code expectStatusClass} (2, 3, 4 or 5; default 2).</li>
 * <li>{@code dns}: ask {@code server} (ip:port; default the pod's resolver) for {@code name}/{@code recordType};
 *     passes when the answers include every {@code expect} value (or, with {@code expectNxdomain}, on NXDOMAIN).</li>
 * <li>{@code echo}: connect to an echo server {@code attempts} times; passes when every answer saw the client's own
 *     address {@code expectSource} (no NAT) and, with {@code expectBackends}, that many distinct backends answered.</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeCheck(String id, String type, String host, Integer port, String scheme, String path, String hostHeader,
        Integer expectStatusClass, String server, String name, String recordType, List<String> expect,
        Boolean expectNxdomain, String expectSource, Integer expectBackends, Integer attempts, Integer timeoutMs) {

    public int timeout() {
        return timeoutMs == null ? 3000 : timeoutMs;
    }

    public static ProbeCheck tcp(String id, String host, int port) {
        return new ProbeCheck(id, "tcp", host, port, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public static ProbeCheck http(String id, String host, int port, String path, String hostHeader) {
        return new ProbeCheck(id, "http", host, port, "http", path, hostHeader, 2, null, null, null, null, null, null, null, null, null);
    }

    public static ProbeCheck dns(String id, String server, String name, String recordType, List<String> expect) {
        return new ProbeCheck(id, "dns", null, null, null, null, null, null, server, name, recordType, expect, null, null, null, null, null);
    }

    public static ProbeCheck echo(String id, String host, int port, String expectSource, Integer expectBackends, int attempts) {
        return new ProbeCheck(id, "echo", host, port, null, null, null, null, null, null, null, null, null, expectSource,
                expectBackends, attempts, null);
    }

    public ProbeCheck withTimeoutMs(int ms) {
        return new ProbeCheck(id, type, host, port, scheme, path, hostHeader, expectStatusClass, server, name, recordType, expect,
                expectNxdomain, expectSource, expectBackends, attempts, ms);
    }

    public ProbeCheck withExpectNxdomain() {
        return new ProbeCheck(id, type, host, port, scheme, path, hostHeader, expectStatusClass, server, name, recordType, expect,
                true, expectSource, expectBackends, attempts, timeoutMs);
    }

    public ProbeCheck withExpectStatusClass(int statusClass) {
        return new ProbeCheck(id, type, host, port, scheme, path, hostHeader, statusClass, server, name, recordType, expect,
                expectNxdomain, expectSource, expectBackends, attempts, timeoutMs);
    }

    public ProbeCheck withScheme(String newScheme) {
        return new ProbeCheck(id, type, host, port, newScheme, path, hostHeader, expectStatusClass, server, name, recordType, expect,
                expectNxdomain, expectSource, expectBackends, attempts, timeoutMs);
    }
}
