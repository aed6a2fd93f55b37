package io.networktopology.probe;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.util.List;

/**
 * One check a probe pod runs, as the operator plans it: one record per kind, each with only the fields it reads, and
 * what every kind shares in {@link Common}. On the wire (the pod's {@code PROBE_CHECKS}) it is one flat JSON object
 * whose {@code type} names the kind: {@code tcp}, {@code http}, {@code dns}, {@code endpoints}, {@code echo} or {@code tls}.
 *
 * <p>With {@code retryForMs}, a failing check is tried again (once a second) until it passes or that time is up: for
 * DNS entries the operator just wrote, which CoreDNS serves only once the kubelet has synced its ConfigMap and it
 * reloaded. With {@code sourceRanges} (a load balancer's {@code loadBalancerSourceRanges}), the check is run only from a
 * pod whose address ({@code $POD_IP}) is in one of them, and is skipped, saying why, from any other: the load balancer
 * refuses that pod by design, and a refusal would prove nothing. {@code network}, {@code from} and {@code to} describe
 * the check for status; the probe program does not read them.
 */
// The kind is a property of its own (type()), not a wrapper Jackson adds: so a List<ProbeCheck> carries it too.
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = ProbeCheck.Tcp.class, name = "tcp"), @JsonSubTypes.Type(value = ProbeCheck.Http.class, name = "http"),
        @JsonSubTypes.Type(value = ProbeCheck.Dns.class, name = "dns"), @JsonSubTypes.Type(value = ProbeCheck.Endpoints.class, name = "endpoints"),
        @JsonSubTypes.Type(value = ProbeCheck.Echo.class, name = "echo"), @JsonSubTypes.Type(value = ProbeCheck.Tls.class, name = "tls")})
public sealed interface ProbeCheck permits ProbeCheck.Tcp, ProbeCheck.Http, ProbeCheck.Dns, ProbeCheck.Endpoints, ProbeCheck.Echo, ProbeCheck.Tls {

    int DEFAULT_TIMEOUT_MS = 3000;

    /** What every kind of check has: its id, its time limits, where it may run from, and how status describes it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Common(String id, Integer timeoutMs, Integer retryForMs, List<String> sourceRanges, String network, String from, String to) {
        static Common of(String id) {
            return new Common(id, null, null, null, null, null, null);
        }
    }

    Common common();

    /** The kind, as on the wire. */
    @JsonProperty("type")
    default String type() {
        return getClass().getAnnotation(JsonTypeName.class).value();
    }

    /** The same check with other common fields. */
    ProbeCheck with(Common common);

    default String id() {
        return common().id();
    }

    default int timeout() {
        return common().timeoutMs() == null ? DEFAULT_TIMEOUT_MS : common().timeoutMs();
    }

    /** How long the whole check may take, retries aside. */
    default long bound() {
        return timeout();
    }

    default String network() {
        return common().network();
    }

    default String from() {
        return common().from();
    }

    default String to() {
        return common().to();
    }

    default ProbeCheck withId(String id) {
        Common c = common();
        return with(new Common(id, c.timeoutMs(), c.retryForMs(), c.sourceRanges(), c.network(), c.from(), c.to()));
    }

    default ProbeCheck withTimeoutMs(int ms) {
        Common c = common();
        return with(new Common(c.id(), ms, c.retryForMs(), c.sourceRanges(), c.network(), c.from(), c.to()));
    }

    /** Keep trying a failing check for this long: the change it checks may still be on its way. */
    default ProbeCheck withRetryForMs(Integer ms) {
        Common c = common();
        return with(new Common(c.id(), c.timeoutMs(), ms, c.sourceRanges(), c.network(), c.from(), c.to()));
    }

    /** Run only from sources in these CIDRs (a load balancer's source ranges); skipped from anywhere else. */
    default ProbeCheck withSourceRanges(List<String> ranges) {
        Common c = common();
        return with(new Common(c.id(), c.timeoutMs(), c.retryForMs(), ranges, c.network(), c.from(), c.to()));
    }

    /** Describes the check for status: which network path of the Kubernetes model, from where, to what. */
    default ProbeCheck on(String networkPath, String fromWhat, String toWhat) {
        Common c = common();
        return with(new Common(c.id(), c.timeoutMs(), c.retryForMs(), c.sourceRanges(), networkPath, fromWhat, toWhat));
    }

    /**
     * Connect to {@code host}:{@code port}; with {@code expectNoConnection}, passes only when no connection opens
     * within the timeout (a path that must be closed, e.g. a node without a local endpoint of an
     * {@code externalTrafficPolicy: Local} Service). With {@code holdMs}, the connection must also stay open (or bring
     * data) that long: a proxy in the way (a Gateway's TCP listener) accepts every connection and closes it at once
     * when it cannot reach a backend.
     */
    @JsonTypeName("tcp")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Tcp(@JsonUnwrapped Common common, String host, int port, Boolean expectNoConnection, Integer holdMs) implements ProbeCheck {
        @Override
        public Tcp with(Common other) {
            return new Tcp(other, host, port, expectNoConnection, holdMs);
        }

        /** Passes when the connection does not open: the path must be closed. */
        public Tcp withExpectNoConnection() {
            return new Tcp(common, host, port, true, holdMs);
        }

        /** Passes only when the connection is not closed by the other end within this time. */
        public Tcp withHoldMs(int ms) {
            return new Tcp(common, host, port, expectNoConnection, ms);
        }

        @Override
        public long bound() {
            return timeout() + (holdMs == null ? 0 : holdMs);
        }
    }

    /**
     * GET {@code scheme}://{@code host}:{@code port}{@code path} with the Host header (and TLS SNI) {@code hostHeader};
     * passes when the status is in {@code expectStatusClass} (2, 3, 4 or 5; default 2), or, with {@code maxStatusClass},
     * in any class up to it (an ingress that answers 404 for a path still routed it). With {@code unroutedHost} the
     * same request is first made for a host nobody routes, and an answer just like that one (status and body; over TLS
     * also the certificate, unless {@code sharedCertificate}: a Gateway listener's one certificate serves every host)
     * fails: the controller answered, but not from the route's backend. {@code request} shapes the request a route's
     * match asks for (method, headers), or makes it a gRPC call.
     */
    @JsonTypeName("http")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Http(@JsonUnwrapped Common common, String host, int port, String scheme, String path, String hostHeader,
            Integer expectStatusClass, Integer maxStatusClass, String unroutedHost, Request request) implements ProbeCheck {
        @Override
        public Http with(Common other) {
            return new Http(other, host, port, scheme, path, hostHeader, expectStatusClass, maxStatusClass, unroutedHost, request);
        }

        public Http withScheme(String newScheme) {
            return new Http(common, host, port, newScheme, path, hostHeader, expectStatusClass, maxStatusClass, unroutedHost, request);
        }

        public Http withExpectStatusClass(int statusClass) {
            return new Http(common, host, port, scheme, path, hostHeader, statusClass, null, unroutedHost, request);
        }

        /** Passes on any HTTP status up to this class (4: anything but a server error). */
        public Http withMaxStatusClass(int statusClass) {
            return new Http(common, host, port, scheme, path, hostHeader, null, statusClass, unroutedHost, request);
        }

        /** Compares the answer with the one for this host, which nothing routes (see the record's comment). */
        public Http withUnroutedHost(String host) {
            return new Http(common, this.host, port, scheme, path, hostHeader, expectStatusClass, maxStatusClass, host, request);
        }

        public Http withRequest(Request newRequest) {
            return new Http(common, host, port, scheme, path, hostHeader, expectStatusClass, maxStatusClass, unroutedHost, newRequest);
        }

        public boolean grpc() {
            return request != null && Boolean.TRUE.equals(request.grpc());
        }
    }

    /**
     * The request of an {@link Http} check beyond a GET: {@code method} and {@code headers} a route's match requires;
     * with {@code grpc}, a gRPC call (POST, {@code content-type: application/grpc}, an empty message), which passes on any
     * gRPC answer — a gRPC status, even an error, comes from a gRPC server, never from a proxy with no route.
     * {@code sharedCertificate}: over TLS, the certificate is the listener's, the same for every host.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Request(String method, java.util.Map<String, String> headers, Boolean grpc, Boolean sharedCertificate) {
    }

    /**
     * A TLS handshake with {@code host}:{@code port}, naming {@code serverName} in SNI (a Gateway's TLS listener that
     * passes the connection through to the backend chosen by that name). With {@code unroutedName} the handshake is
     * first made for a name nobody routes: passed through, a handshake that then fails or presents another certificate
     * shows that the route's answer came from its backend, and the same certificate fails the check. With {@code holdMs} (TLS ended at the
     * Gateway, whose certificate every name on the listener may get) the connection must then stay open that long (a
     * Gateway closes at once one it cannot forward) and its answer to a plain HTTP request (or its first word) must
     * differ from the one a name nobody routes gets (Traefik, for one, ends TLS for any name and answers its own 404).
     */
    @JsonTypeName("tls")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Tls(@JsonUnwrapped Common common, String host, int port, String serverName, String unroutedName, Integer holdMs) implements ProbeCheck {
        @Override
        public Tls with(Common other) {
            return new Tls(other, host, port, serverName, unroutedName, holdMs);
        }

        /** After the handshake, the connection must stay open this long (a Gateway that terminates TLS and forwards). */
        public Tls withHoldMs(int ms) {
            return new Tls(common, host, port, serverName, unroutedName, ms);
        }

        @Override
        public long bound() {
            // Per name: connect and handshake, then (ended at the Gateway) the hold and the answer's silence.
            return (unroutedName == null ? 2L : 4L) * timeout() + (holdMs == null ? 0 : 4L * holdMs);
        }
    }

    /**
     * Ask {@code server} (ip:port; default the pod's resolver) for {@code name}/{@code recordType}; passes when the
     * answers include every {@code expect} value (or, with {@code expectNxdomain}, on NXDOMAIN).
     */
    @JsonTypeName("dns")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Dns(@JsonUnwrapped Common common, String server, String name, String recordType, List<String> expect, Boolean expectNxdomain)
            implements ProbeCheck {
        @Override
        public Dns with(Common other) {
            return new Dns(other, server, name, recordType, expect, expectNxdomain);
        }

        public Dns withServer(String newServer) {
            return new Dns(common, newServer, name, recordType, expect, expectNxdomain);
        }

        public Dns withExpectNxdomain() {
            return new Dns(common, server, name, recordType, expect, true);
        }

        /** Checks a record that the operator writes into the Corefile (it may take a while to be served). */
        @JsonIgnore
        public boolean ofCorefileEntry() {
            return id().startsWith("dns-alias-") || id().startsWith("dns-host-") || id().startsWith("dns-stub-");
        }
    }

    /** Connect to every {@code expect} address ({@code ip:port}, a Service's ready endpoints), each within the timeout. */
    @JsonTypeName("endpoints")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Endpoints(@JsonUnwrapped Common common, List<String> expect) implements ProbeCheck {
        @Override
        public Endpoints with(Common other) {
            return new Endpoints(other, expect);
        }

        /** Every endpoint's timeout. */
        @Override
        public long bound() {
            return (long) timeout() * Math.max(1, expect == null ? 0 : expect.size());
        }
    }

    /**
     * Connect to an echo server {@code attempts} times; passes when every answer saw the client's own address
     * {@code expectSource} (no NAT) and, with {@code expectBackends}, that many distinct backends answered. An
     * {@code expectSource} of {@code $POD_IP} (or any {@code $NAME}) is read from the environment.
     */
    @JsonTypeName("echo")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Echo(@JsonUnwrapped Common common, String host, int port, String expectSource, Integer expectBackends, Integer attempts,
            Integer maxBackends) implements ProbeCheck {
        @Override
        public Echo with(Common other) {
            return new Echo(other, host, port, expectSource, expectBackends, attempts, maxBackends);
        }

        /** Fails when more than this many echo pods answered (1: every request of this client reached one pod). */
        public Echo withMaxBackends(int most) {
            return new Echo(common, host, port, expectSource, expectBackends, attempts, most);
        }
    }

    static Tcp tcp(String id, String host, int port) {
        return new Tcp(Common.of(id), host, port, null, null);
    }

    static Http http(String id, String host, int port, String path, String hostHeader) {
        return new Http(Common.of(id), host, port, "http", path, hostHeader, 2, null, null, null);
    }

    static Tls tls(String id, String host, int port, String serverName, String unroutedName) {
        return new Tls(Common.of(id), host, port, serverName, unroutedName, null);
    }

    static Dns dns(String id, String server, String name, String recordType, List<String> expect) {
        return new Dns(Common.of(id), server, name, recordType, expect, null);
    }

    /** Every ready endpoint ({@code ip:port}, IPv6 in brackets) of a Service port, connected to one by one (2 s each). */
    static Endpoints endpoints(String id, List<String> hostPorts) {
        return new Endpoints(new Common(id, 2000, null, null, null, null, null), hostPorts);
    }

    static Echo echo(String id, String host, int port, String expectSource, Integer expectBackends, int attempts) {
        return new Echo(Common.of(id), host, port, expectSource, expectBackends, attempts, null);
    }
}
