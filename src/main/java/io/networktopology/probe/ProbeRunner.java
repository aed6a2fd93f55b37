package io.networktopology.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.networktopology.model.DnsNames;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a list of checks in parallel, each with its own timeout, and reports them in a compact JSON that fits the
 * 4 KiB Kubernetes allows for a container's termination message (messages are shortened, then dropped, to fit).
 */
public final class ProbeRunner {

    /** The termination-message limit (bytes) a report must fit in. */
    public static final int MAX_REPORT_BYTES = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProbeRunner() {
    }

    public static List<ProbeResult> run(List<ProbeCheck> checks) {
        // A thread per check, all started at once, daemons: a check stuck where its timeout does not reach (a name lookup
        // through a resolver that does not answer) neither delays the others nor keeps the pod from reporting.
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, checks.size()), runnable -> {
            Thread thread = new Thread(runnable, "probe-check");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<ProbeResult>> futures = new ArrayList<>();
            for (ProbeCheck check : checks) {
                futures.add(pool.submit(() -> runRetrying(check)));
            }
            // One deadline for the whole run, not one per check waited for in turn (which added up).
            long longest = checks.stream().mapToLong(c -> c.bound() + retryFor(c)).max().orElse(0);
            long deadline = System.nanoTime() + (longest + 2000L) * 1_000_000;
            List<ProbeResult> results = new ArrayList<>();
            for (int i = 0; i < checks.size(); i++) {
                ProbeCheck check = checks.get(i);
                try {
                    // The check enforces its own timeout; the deadline only catches one that cannot.
                    long left = Math.max(0, deadline - System.nanoTime());
                    results.add(futures.get(i).get(left, TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    futures.get(i).cancel(true);
                    results.add(new ProbeResult(check.id(), ProbeResult.FAILED, (long) check.bound(),
                            "timed out after " + check.bound() + " ms"));
                } catch (Exception e) {
                    results.add(new ProbeResult(check.id(), ProbeResult.FAILED, null, "probe error: " + e));
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static long retryFor(ProbeCheck check) {
        Integer ms = check.common().retryForMs();
        return ms == null ? 0 : Math.max(0, ms);
    }

    /** Runs a check; with retryForMs, again once a second while it fails and time is left. The last result counts. */
    static ProbeResult runRetrying(ProbeCheck check) throws InterruptedException {
        String refused = outsideSourceRanges(check, System.getenv("POD_IP"));
        if (refused != null) {
            return new ProbeResult(check.id(), ProbeResult.SKIPPED, null, refused);
        }
        long deadline = System.nanoTime() + retryFor(check) * 1_000_000;
        long start = System.nanoTime();
        int tries = 1;
        ProbeResult result = runOne(check);
        while (!ProbeResult.PASSED.equals(result.result()) && System.nanoTime() + 1_000_000_000L < deadline) {
            Thread.sleep(1000);
            tries++;
            result = runOne(check);
        }
        if (tries == 1) {
            return result;
        }
        String after = " (after " + tries + " tries in " + elapsed(start) / 1000 + " s: the change was still on its way)";
        return new ProbeResult(result.id(), result.result(), result.millis(), result.message() + (ProbeResult.PASSED.equals(result.result())
                ? after : " (still failing after " + tries + " tries in " + elapsed(start) / 1000 + " s)"));
    }

    static ProbeResult runOne(ProbeCheck check) {
        long start = System.nanoTime();
        try {
            String message;
            if (check instanceof ProbeCheck.Tcp tcp) {
                message = tcp(tcp);
            } else if (check instanceof ProbeCheck.Http http) {
                message = http(http);
            } else if (check instanceof ProbeCheck.Dns dns) {
                message = dns(dns);
            } else if (check instanceof ProbeCheck.Echo echo) {
                message = echo(echo);
            } else if (check instanceof ProbeCheck.Tls tls) {
                message = tls(tls);
            } else {
                message = endpoints((ProbeCheck.Endpoints) check);
            }
            return new ProbeResult(check.id(), ProbeResult.PASSED, elapsed(start), message);
        } catch (ProbeFailure e) {
            return new ProbeResult(check.id(), ProbeResult.FAILED, elapsed(start), e.getMessage());
        } catch (SocketTimeoutException e) {
            return new ProbeResult(check.id(), ProbeResult.FAILED, elapsed(start), "timed out after " + check.timeout() + " ms");
        } catch (IOException e) {
            return new ProbeResult(check.id(), ProbeResult.FAILED, elapsed(start), e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            return new ProbeResult(check.id(), ProbeResult.FAILED, elapsed(start), "probe error: " + e);
        }
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static Socket connect(String host, int port, int timeout) throws IOException {
        Socket socket = new Socket();
        // A host of $NODE_IP is the pod's own node (a NodePort asked where the pod runs).
        socket.connect(new InetSocketAddress(InetAddress.getByName(fromEnvironment(host)), port), timeout);
        socket.setSoTimeout(timeout);
        return socket;
    }

    /** Connects to each endpoint in turn: all must answer (a Service spreads connections over them, so each one counts). */
    static String endpoints(ProbeCheck.Endpoints check) throws ProbeFailure {
        List<String> targets = check.expect() == null ? List.of() : check.expect();
        List<String> failures = new ArrayList<>();
        for (String target : targets) {
            var hostPort = DnsNames.hostPort(target).orElse(null);
            if (hostPort == null || hostPort.port() == null) {
                failures.add(target + ": not ip:port");
                continue;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getByName(hostPort.host()), hostPort.port()), check.timeout());
            } catch (SocketTimeoutException e) {
                failures.add(target + ": timed out after " + check.timeout() + " ms");
            } catch (IOException e) {
                failures.add(target + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new ProbeFailure((targets.size() - failures.size()) + "/" + targets.size() + " endpoints answered; " + String.join("; ", failures));
        }
        return "every endpoint answered (" + targets.size() + "): " + String.join(", ", targets);
    }

    static String tcp(ProbeCheck.Tcp check) throws IOException {
        if (Boolean.TRUE.equals(check.expectNoConnection())) {
            String connected;
            try (Socket socket = connect(check.host(), check.port(), check.timeout())) {
                connected = "connected to " + socket.getRemoteSocketAddress() + ", but this path must be closed";
            } catch (SocketTimeoutException e) {
                return "no connection, as expected (timed out after " + check.timeout() + " ms)";
            } catch (IOException e) {
                return "no connection, as expected (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
            }
            throw new ProbeFailure(connected);
        }
        try (Socket socket = connect(check.host(), check.port(), check.timeout())) {
            if (check.holdMs() == null) {
                return "connected to " + socket.getRemoteSocketAddress();
            }
            socket.setSoTimeout(check.holdMs());
            int first;
            try {
                first = socket.getInputStream().read();
            } catch (SocketTimeoutException e) {
                return "connected to " + socket.getRemoteSocketAddress() + " and held open " + check.holdMs() + " ms";
            } catch (java.net.SocketException e) {
                throw new ProbeFailure("connected to " + socket.getRemoteSocketAddress() + ", then reset (" + e.getMessage()
                        + "): the proxy there has no reachable backend for it");
            }
            if (first < 0) {
                throw new ProbeFailure("connected to " + socket.getRemoteSocketAddress() + ", then closed at once without a byte: the proxy"
                        + " there has no reachable backend for it");
            }
            return "connected to " + socket.getRemoteSocketAddress() + ", which spoke first";
        }
    }

    /** A TLS handshake naming a server; compared with one for a name nobody routes (see {@link ProbeCheck.Tls}). */
    static String tls(ProbeCheck.Tls check) throws IOException {
        boolean terminated = check.holdMs() != null;
        String unrouted = null;
        Reply unroutedReply = null;
        if (check.unroutedName() != null) {
            try (Socket plain = connect(check.host(), check.port(), check.timeout());
                    SSLSocket socket = handshake(plain, check.host(), check.port(), check.unroutedName())) {
                unrouted = fingerprint(socket);
                // After a handshake, reply() has an answer for every outcome (closed, cut, silent): it does not throw.
                unroutedReply = terminated ? reply(socket, check.unroutedName(), check.holdMs()) : null;
            } catch (IOException e) {
                unrouted = null; // no handshake for a name nobody routes: what a passthrough listener does
            }
        }
        try (Socket plain = connect(check.host(), check.port(), check.timeout());
                SSLSocket socket = handshake(plain, check.host(), check.port(), check.serverName())) {
            String certificate = fingerprint(socket);
            String subject = socket.getSession().getPeerCertificates()[0] instanceof X509Certificate x509
                    ? x509.getSubjectX500Principal().getName() : "?";
            String handshake = "TLS handshake for " + check.serverName() + " with " + subject;
            if (!terminated) {
                // Passed through: the certificate is the backend's own, unlike the one (if any) a name nobody routes gets.
                if (certificate != null && certificate.equals(unrouted)) {
                    throw new ProbeFailure("TLS with " + subject + ", the certificate a name nobody routes gets too: not the route's backend");
                }
                return handshake + (check.unroutedName() == null ? ""
                        : unrouted == null ? " (a name nobody routes: no handshake)" : " (a name nobody routes: another certificate)");
            }
            // Ended at the Gateway (whose certificate every name on the listener may get): what comes after the
            // handshake is the evidence. Dropped at once: no backend. Otherwise compared with a name nobody routes.
            Reply reply = reply(socket, check.serverName(), check.holdMs());
            if (reply.closedAtOnce()) {
                throw new ProbeFailure(handshake + ", then closed at once: the Gateway has no reachable backend for it");
            }
            if (unroutedReply == null) {
                return handshake + ", held open " + check.holdMs() + " ms" + (check.unroutedName() == null ? "" : " (a name nobody routes: no handshake)");
            }
            if (reply.equals(unroutedReply) && reply.text() != null && !reply.text().isEmpty()) {
                // The verdict first: a long report cuts messages at the end. (A backend that answers exactly as the Gateway
                // does for a name it does not route, say Go's bare 404 for /, is told from it by nothing here.)
                throw new ProbeFailure(reply.describe().replaceFirst("^answered", "answered as a name nobody routes") + " after a "
                        + handshake + ": the Gateway's own answer, not a backend's");
            }
            return handshake + ", held open " + check.holdMs() + " ms, then " + reply.describe()
                    + (reply.equals(unroutedReply) ? " as a name nobody routes does too: this check cannot tell them apart"
                    : " (a name nobody routes: " + unroutedReply.describe() + ")");
        } catch (javax.net.ssl.SSLException e) {
            throw new ProbeFailure("no TLS handshake for " + check.serverName() + ": " + e.getMessage());
        }
    }

    /**
     * What a connection does after a TLS handshake ended at a Gateway: closed before {@code holdMs} (no backend), a
     * first word from the server, or, when it is held, its answer to a plain HTTP request (any backend answers
     * something, or nothing; the Gateway's own fallback for a name it does not route answers its own way).
     *
     * @param text the first line and the body of the answer (an HTTP answer's headers, dated, left out); empty: closed
     *     without one; null: silent
     */
    record Reply(boolean closedAtOnce, String text) {
        String describe() {
            if (closedAtOnce) {
                return "closed at once";
            }
            if (text == null) {
                return "silent";
            }
            String first = text.lines().findFirst().orElse("");
            return (text.isEmpty() ? "closed without an answer" : "answered \"" + (first.length() > 40 ? first.substring(0, 40) + "…" : first) + "\"");
        }
    }

    static Reply reply(SSLSocket socket, String name, int holdMs) {
        java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
        java.io.InputStream in;
        try {
            socket.setSoTimeout(holdMs);
            in = socket.getInputStream();
            int first = in.read();
            if (first < 0) {
                return new Reply(true, null);
            }
            answer.write(first); // the server spoke first: that is its answer
        } catch (SocketTimeoutException e) {
            try {
                socket.getOutputStream().write(("GET / HTTP/1.0\r\nHost: " + name + "\r\nUser-Agent: network-topology-probe\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                in = socket.getInputStream();
            } catch (IOException closed) {
                return new Reply(false, ""); // closed while held: no answer
            }
        } catch (IOException e) {
            return new Reply(true, null); // reset or a TLS alert right after the handshake
        }
        byte[] buffer = new byte[1024];
        boolean ended = false;
        try {
            int n = in.read(buffer);
            for (; n >= 0 && answer.size() < 4096; n = in.read(buffer)) {
                answer.write(buffer, 0, n);
            }
            ended = n < 0;
        } catch (SocketTimeoutException e) {
            // no more for now: what came so far is the answer
        } catch (IOException e) {
            ended = true; // reset, a TLS alert, or cut: what came so far is the answer
        }
        if (answer.size() == 0) {
            return new Reply(false, ended ? "" : null);
        }
        String text = answer.toString(StandardCharsets.ISO_8859_1);
        int blank = text.indexOf("\r\n\r\n");
        return new Reply(false, text.startsWith("HTTP/") && blank > 0 ? text.lines().findFirst().orElse("") + "\n" + text.substring(blank + 4) : text);
    }

    private static String fingerprint(SSLSocket socket) throws IOException {
        java.security.cert.Certificate[] chain = socket.getSession().getPeerCertificates();
        try {
            return chain.length == 0 ? null : java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            return null;
        }
    }

    /**
     * HTTP/1.1 by hand, so that the Host header and TLS SNI can name the virtual host while the connection goes to
     * an address (an ingress controller's, a node's). Certificates are not verified: this checks the path, not trust.
     */
    static String http(ProbeCheck.Http check) throws IOException {
        String host = check.hostHeader() != null ? check.hostHeader() : check.host();
        // First the controller's answer for a host nobody routes: what "no route here" looks like at this address.
        Answer unrouted = check.unroutedHost() == null ? null : fetch(check, check.unroutedHost());
        Answer answer = fetch(check, host);
        int code = answer.code();
        if (check.grpc()) {
            return grpc(answer, unrouted);
        }
        if (check.maxStatusClass() != null) {
            if (code / 100 > check.maxStatusClass()) {
                throw new ProbeFailure("HTTP " + code + ", expected " + check.maxStatusClass() + "xx or less" + (code == 502 || code == 503
                        ? " (what a proxy answers when the route's backend has no ready endpoint or does not answer)" : ""));
            }
        } else {
            int expected = check.expectStatusClass() == null ? 2 : check.expectStatusClass();
            if (code / 100 != expected) {
                throw new ProbeFailure("HTTP " + code + ", expected " + expected + "xx");
            }
        }
        if (unrouted == null) {
            return "HTTP " + code;
        }
        if (code == unrouted.code() && java.util.Arrays.equals(answer.body(), unrouted.body())) {
            throw new ProbeFailure("HTTP " + code + " as for a host nobody routes (" + answer.body().length + " bytes alike): the controller"
                    + " has no route to a backend for it (no ready endpoint, or the route not taken up)");
        }
        boolean shared = check.request() != null && Boolean.TRUE.equals(check.request().sharedCertificate());
        if (!shared && answer.certificate() != null && answer.certificate().equals(unrouted.certificate())) {
            throw new ProbeFailure("HTTP " + code + " but with the certificate of a host nobody routes (" + answer.subject()
                    + "): the controller's default, not one for " + host + " (is the TLS Secret there and valid?)");
        }
        return "HTTP " + code + " from the route (a host nobody routes: HTTP " + unrouted.code() + ")";
    }

    /**
     * A gRPC call's verdict: any gRPC answer comes from a gRPC server behind the route — unless it is UNAVAILABLE (what a
     * gRPC-speaking proxy answers when it reaches no backend) or the very answer a call for a host nobody routes gets
     * (what such a proxy answers when it has no route).
     */
    private static String grpc(Answer answer, Answer unrouted) throws ProbeFailure {
        boolean grpc = answer.grpcStatus() != null || answer.contentType() != null && answer.contentType().startsWith("application/grpc");
        String what = "HTTP " + answer.code() + (answer.grpcStatus() != null ? ", grpc-status " + answer.grpcStatus()
                : answer.contentType() == null ? "" : grpc ? ", " + answer.contentType() : " (" + answer.contentType() + ")");
        if (!grpc) {
            throw new ProbeFailure(what + ", not a gRPC answer: no gRPC server behind the route");
        }
        if ("14".equals(answer.grpcStatus())) {
            throw new ProbeFailure("gRPC UNAVAILABLE (" + what + (answer.grpcMessage() == null ? "" : ": " + answer.grpcMessage())
                    + "): the proxy reached no backend");
        }
        if (unrouted != null && answer.grpcStatus() != null && answer.grpcStatus().equals(unrouted.grpcStatus())
                && java.util.Objects.equals(answer.grpcMessage(), unrouted.grpcMessage())) {
            throw new ProbeFailure("gRPC answer as for a host nobody routes (" + what + "): the proxy's, not a backend's");
        }
        return "gRPC answer (" + what + "): a gRPC server behind the route";
    }

    /** An HTTP answer: its status, its body (up to 64 KiB) and, over TLS, the server certificate's hash and subject. */
    record Answer(int code, byte[] body, String certificate, String subject, String contentType, String grpcStatus, String grpcMessage) {
    }

    private static final int MAX_BODY = 64 * 1024;

    private static Answer fetch(ProbeCheck.Http check, String host) throws IOException {
        try (Socket plain = connect(check.host(), check.port(), check.timeout()); Socket socket = "https".equals(check.scheme()) ? tls(plain, check, host) : plain) {
            OutputStream out = socket.getOutputStream();
            out.write(request(check, host));
            out.flush();
            java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            String status = line(in);
            if (status == null || !status.startsWith("HTTP/")) {
                throw new ProbeFailure("no HTTP response (got " + (status == null ? "nothing" : "\"" + status + "\"") + ")");
            }
            String[] parts = status.split(" ", 3);
            int code = Integer.parseInt(parts[1]);
            int length = -1;
            String contentType = null;
            String grpcStatus = null;
            String grpcMessage = null;
            for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                if (header.regionMatches(true, 0, "Content-Type:", 0, 13)) {
                    contentType = header.substring(13).trim();
                } else if (header.regionMatches(true, 0, "Grpc-Status:", 0, 12)) {
                    grpcStatus = header.substring(12).trim();
                } else if (header.regionMatches(true, 0, "Grpc-Message:", 0, 13)) {
                    grpcMessage = header.substring(13).trim();
                } else if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    try {
                        length = Integer.parseInt(header.substring(15).trim());
                    } catch (NumberFormatException e) {
                        length = -1;
                    }
                }
            }
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            int limit = length < 0 ? MAX_BODY : Math.min(length, MAX_BODY);
            try {
                byte[] buffer = new byte[4096];
                for (int n; body.size() < limit && (n = in.read(buffer, 0, Math.min(buffer.length, limit - body.size()))) > 0; ) {
                    body.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                // a server that keeps the connection open despite "Connection: close": what came is the answer
            }
            String certificate = null;
            String subject = null;
            if (socket instanceof SSLSocket tls) {
                java.security.cert.Certificate[] chain = tls.getSession().getPeerCertificates();
                if (chain.length > 0) {
                    try {
                        certificate = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
                    } catch (java.security.GeneralSecurityException e) {
                        certificate = null;
                    }
                    subject = chain[0] instanceof X509Certificate x509 ? x509.getSubjectX500Principal().getName() : "?";
                }
            }
            return new Answer(code, body.toByteArray(), certificate, subject, contentType, grpcStatus, grpcMessage);
        }
    }

    /**
     * The request's bytes: a GET, or the method and headers a route's match asks for, or a gRPC call (POST with an
     * empty length-prefixed message; HTTP/1.1 to the proxy, which speaks HTTP/2 to a gRPC backend).
     */
    static byte[] request(ProbeCheck.Http check, String host) {
        ProbeCheck.Request shape = check.request();
        boolean grpc = check.grpc();
        String method = grpc ? "POST" : shape != null && shape.method() != null ? shape.method() : "GET";
        StringBuilder text = new StringBuilder(method).append(' ').append(check.path() == null ? "/" : check.path()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\nUser-Agent: network-topology-probe\r\nConnection: close\r\n");
        if (shape != null && shape.headers() != null) {
            shape.headers().forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
        }
        byte[] body = grpc ? new byte[5] : new byte[0]; // gRPC: not compressed, length 0
        if (grpc) {
            text.append("Content-Type: application/grpc\r\nTE: trailers\r\n");
        }
        if (grpc || !"GET".equals(method) && !"HEAD".equals(method)) {
            text.append("Content-Length: ").append(body.length).append("\r\n");
        }
        text.append("\r\n");
        byte[] head = text.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** One header line (ISO-8859-1, without its CRLF), or null at the end of the stream. */
    private static String line(java.io.InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int c = in.read(); c >= 0; c = in.read()) {
            if (c == '\n') {
                return text.toString().endsWith("\r") ? text.substring(0, text.length() - 1) : text.toString();
            }
            if (text.length() > 8192) {
                throw new ProbeFailure("an HTTP header line longer than 8 KiB");
            }
            text.append((char) c);
        }
        return text.length() == 0 ? null : text.toString();
    }

    private static Socket tls(Socket plain, ProbeCheck.Http check, String serverName) throws IOException {
        return handshake(plain, check.host(), check.port(), serverName);
    }

    /** A TLS session over {@code plain}, naming {@code serverName} in SNI (unless it is an address); no trust checked. */
    private static SSLSocket handshake(Socket plain, String host, int port, String serverName) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters parameters = socket.getSSLParameters();
            if (!serverName.matches("[0-9.]+") && !serverName.contains(":")) { // no SNI for an address (IPv4, or IPv6 in or out of brackets)
                parameters.setServerNames(List.of(new SNIHostName(serverName)));
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("TLS setup failed: " + e.getMessage(), e);
        }
    }

    static String dns(ProbeCheck.Dns check) throws IOException {
        int type = Type.value(check.recordType() == null ? "A" : check.recordType());
        if (type < 0) {
            throw new ProbeFailure("unknown record type " + check.recordType());
        }
        Resolver resolver;
        if (check.server() != null) {
            // ip, ip:port, or [ipv6]:port
            DnsNames.HostPort server = DnsNames.hostPort(check.server())
                    .orElseThrow(() -> new ProbeFailure("DNS server \"" + check.server() + "\" is not ip, ip:port or [ipv6]:port"));
            SimpleResolver simple = new SimpleResolver(InetAddress.getByName(server.host()));
            simple.setPort(server.portOr(53));
            resolver = simple;
        } else {
            resolver = new SimpleResolver(ResolverConfig.getCurrentConfig().server());
        }
        resolver.setTimeout(Duration.ofMillis(check.timeout()));
        String name = check.name().endsWith(".") ? check.name() : check.name() + ".";
        Message response = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
        int rcode = response.getRcode();
        if (Boolean.TRUE.equals(check.expectNxdomain())) {
            if (rcode != Rcode.NXDOMAIN) {
                throw new ProbeFailure("expected NXDOMAIN, got " + Rcode.string(rcode) + " " + values(response, type));
            }
            return "NXDOMAIN as expected";
        }
        if (rcode != Rcode.NOERROR) {
            throw new ProbeFailure(Rcode.string(rcode) + " for " + name + " " + Type.string(type));
        }
        List<String> values = values(response, type);
        if (values.isEmpty()) {
            throw new ProbeFailure("no " + Type.string(type) + " record for " + name);
        }
        for (Record answer : response.getSection(Section.ANSWER)) {
            if (answer.getType() == type && !answer.getName().equals(Name.fromString(name))) {
                throw new ProbeFailure("answer name " + answer.getName() + " differs from the question " + name);
            }
        }
        List<String> missing = new ArrayList<>();
        for (String expected : check.expect() == null ? List.<String>of() : check.expect()) {
            // Compared as addresses (fd00:99::250 is fd00:99:0:0:0:0:0:250) or as names, never as text.
            if (values.stream().noneMatch(v -> DnsNames.sameValue(v, expected))) {
                missing.add(expected);
            }
        }
        if (!missing.isEmpty()) {
            throw new ProbeFailure("missing " + String.join(", ", missing) + "; got " + String.join(", ", values));
        }
        return String.join(", ", values);
    }

    private static List<String> values(Message response, int type) {
        List<String> values = new ArrayList<>();
        for (Record answer : response.getSection(Section.ANSWER)) {
            if (answer.getType() == type) {
                String data = answer.rdataToString();
                if (type == Type.A || type == Type.AAAA) {
                    data = DnsNames.canonical(data); // the form a user writes, also in the check's message
                }
                values.add(data);
            }
        }
        return values;
    }

    /** Asks an echo server; its answers prove the client's address arrived unchanged and which backends answered. */
    static String echo(ProbeCheck.Echo check) throws IOException {
        int attempts = check.attempts() == null ? 1 : check.attempts();
        String expectSource = fromEnvironment(check.expectSource());
        Set<String> backends = new LinkedHashSet<>();
        Map<String, String> peers = new LinkedHashMap<>();
        for (int i = 0; i < attempts; i++) {
            try (Socket socket = connect(check.host(), check.port(), check.timeout())) {
                String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                if (line == null) {
                    throw new ProbeFailure("the echo server closed without answering");
                }
                Map<String, String> fields = new LinkedHashMap<>();
                for (String part : line.trim().split(" ")) {
                    int eq = part.indexOf('=');
                    if (eq > 0) {
                        fields.put(part.substring(0, eq), part.substring(eq + 1));
                    }
                }
                backends.add(fields.getOrDefault("pod", "?"));
                peers.put(fields.getOrDefault("pod", "?"), fields.getOrDefault("peer", "?"));
                if (expectSource != null && !DnsNames.sameValue(expectSource, fields.get("peer"))) {
                    throw new ProbeFailure("NAT: " + fields.get("pod") + " saw the client as " + fields.get("peer")
                            + ", not " + expectSource);
                }
            }
        }
        if (check.maxBackends() != null && backends.size() > check.maxBackends()) {
            throw new ProbeFailure(attempts + " requests from one client reached " + backends.size() + " backends (" + String.join(", ", backends)
                    + "), more than " + check.maxBackends() + ": session affinity not kept");
        }
        if (check.expectBackends() != null && backends.size() < check.expectBackends()) {
            throw new ProbeFailure(attempts + " requests reached " + backends.size() + " of " + check.expectBackends()
                    + " backends: " + String.join(", ", backends));
        }
        // The source first: when a long report cuts messages, what proves "no NAT" is what stays.
        return "source seen " + String.join(", ", new LinkedHashSet<>(peers.values())) + "; answered by " + String.join(", ", backends);
    }

    /**
     * Why a check with source ranges is not run from this pod (its address is in none of them), or null to run it: a
     * load balancer that admits only those sources refuses this pod by design, so its refusal would prove nothing.
     */
    static String outsideSourceRanges(ProbeCheck check, String podIp) {
        List<String> ranges = check.common().sourceRanges();
        if (ranges == null || ranges.isEmpty() || podIp != null && ranges.stream().anyMatch(r -> DnsNames.inCidr(podIp, r))) {
            return null;
        }
        return ProbeResult.NOT_APPLICABLE + "loadBalancerSourceRanges " + String.join(", ", ranges) + " do not admit this probe pod ("
                + (podIp == null ? "address unknown" : podIp) + "); the load balancer refuses it by design";
    }

    /** At most {@code limit} characters, cut after a whole word (a trial saw "ConnectException: Connection …"); 0: none. */
    static String cut(String message, int limit) {
        if (message == null || message.length() <= limit) {
            return message;
        }
        if (limit == 0) {
            return null;
        }
        int space = message.lastIndexOf(' ', limit - 2);
        return message.substring(0, space > limit / 2 ? space : limit - 1) + " …";
    }

    /** {@code $NAME} is the environment variable NAME (a pod's own IP comes in through the downward API). */
    static String fromEnvironment(String value) throws ProbeFailure {
        if (value == null || !value.startsWith("$")) {
            return value;
        }
        String resolved = System.getenv(value.substring(1));
        if (resolved == null || resolved.isBlank()) {
            throw new ProbeFailure("the environment variable " + value.substring(1) + " is not set");
        }
        return resolved;
    }

    /**
     * The report as JSON, shortened to fit {@link #MAX_REPORT_BYTES}: long messages are cut first (the passed checks'
     * before the failures', which say what went wrong), at a word, then dropped.
     */
    public static String report(List<ProbeResult> results) {
        int[][] limits = {{200, 200}, {120, 200}, {80, 200}, {60, 200}, {45, 200}, {30, 200}, {0, 200}, {0, 160}, {0, 120}, {0, 80}, {0, 30}, {0, 0}};
        for (int[] limit : limits) {
            List<ProbeResult> shortened = new ArrayList<>();
            for (ProbeResult r : results) {
                shortened.add(r.withMessage(cut(r.message(), r.passed() ? limit[0] : limit[1])));
            }
            String json = json(Map.of("v", 1, "checks", shortened));
            if (json.getBytes(StandardCharsets.UTF_8).length <= MAX_REPORT_BYTES) {
                return json;
            }
        }
        // Even bare results do not fit: list as many failures as fit (what the operator must know), count the rest.
        List<ProbeResult> failed = results.stream().filter(r -> !r.passed()).map(r -> new ProbeResult(r.id(), r.result(), null, null)).toList();
        long passed = results.size() - failed.size();
        List<ProbeResult> listed = new ArrayList<>();
        for (ProbeResult r : failed) {
            listed.add(r);
            if (json(summary(listed, failed.size(), passed)).getBytes(StandardCharsets.UTF_8).length > MAX_REPORT_BYTES) {
                listed.remove(listed.size() - 1);
                break;
            }
        }
        return json(summary(listed, failed.size(), passed));
    }

    private static Map<String, Object> summary(List<ProbeResult> listed, int failed, long passed) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("v", 1);
        summary.put("checks", listed);
        summary.put("failedNotListed", failed - listed.size());
        summary.put("passedNotListed", passed);
        return summary;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static final class ProbeFailure extends IOException {
        ProbeFailure(String message) {
            super(message);
        }
    }
}
