package io.networktopology.probe;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe program's Gateway API route checks against real servers on loopback: a request shaped by a route's match
 * (method, headers), a gRPC call, a TCP connection a proxy holds or drops, and a TLS handshake by SNI against servers
 * that answer only their own name or every name with one certificate. Only 127.0.0.1 is ever contacted.
 */
class RouteCheckRunnerTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static HttpServer http;
    static ServerSocket dropping;
    static ServerSocket holding;
    static final List<Socket> held = new ArrayList<>();

    @BeforeAll
    static void startServers() throws Exception {
        http = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        // /admin answers only a POST with X-Team: platform for shop.example.com (a route's match), else the proxy's "no route" 404.
        http.createContext("/admin", exchange -> {
            exchange.getRequestBody().readAllBytes();
            boolean matched = "shop.example.com".equals(exchange.getRequestHeaders().getFirst("Host"))
                    && "POST".equals(exchange.getRequestMethod()) && "platform".equals(exchange.getRequestHeaders().getFirst("X-Team"));
            byte[] body = (matched ? "admin" : "404 page not found\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(matched ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        // A gRPC server's trailers-only answer for a method it lacks (UNIMPLEMENTED), for gRPC calls only.
        http.createContext("/grpc.health.v1.Health/Check", exchange -> {
            byte[] message = exchange.getRequestBody().readAllBytes();
            boolean grpc = "POST".equals(exchange.getRequestMethod())
                    && "application/grpc".equals(exchange.getRequestHeaders().getFirst("Content-Type")) && message.length == 5;
            if (grpc) {
                exchange.getResponseHeaders().add("Content-Type", "application/grpc");
                exchange.getResponseHeaders().add("Grpc-Status", "12");
            }
            exchange.sendResponseHeaders(grpc ? 200 : 415, -1);
            exchange.close();
        });
        // A gRPC-speaking proxy (Envoy): UNAVAILABLE when it reaches no backend, UNIMPLEMENTED for a host it does not route.
        http.createContext("/envoy.Down/Call", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/grpc");
            exchange.getResponseHeaders().add("Grpc-Status", "14");
            exchange.getResponseHeaders().add("Grpc-Message", "no healthy upstream");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        http.createContext("/envoy.NoRoute/Call", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/grpc");
            exchange.getResponseHeaders().add("Grpc-Status", "12");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        // A plain web server where a gRPC backend should be (what a proxy with a route to the wrong backend gives).
        http.createContext("/web.Shop/List", exchange -> {
            byte[] body = "<html>shop</html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        dropping = new ServerSocket(0, 50, LOOPBACK);
        holding = new ServerSocket(0, 50, LOOPBACK);
        serve(dropping, Socket::close); // what a proxy does with a connection it has no backend for
        serve(holding, held::add);
    }

    interface Handler {
        void accept(Socket socket) throws Exception;
    }

    static void serve(ServerSocket server, Handler handler) {
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    handler.accept(server.accept());
                } catch (Exception e) {
                    return;
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
    }

    @AfterAll
    static void stopServers() throws Exception {
        http.stop(0);
        dropping.close();
        holding.close();
        for (Socket socket : held) {
            socket.close();
        }
    }

    @Test
    void anHttpRouteCheckSendsTheMethodAndHeadersItsMatchAsksFor() {
        int port = http.getAddress().getPort();
        ProbeCheck.Http plain = ProbeCheck.http("admin", "127.0.0.1", port, "/admin", "shop.example.com").withMaxStatusClass(4)
                .withUnroutedHost(ProbePlan.UNROUTED_HOST);
        ProbeResult get = ProbeRunner.runOne(plain);
        assertThat(get.result()).as("a plain GET is not what the route matches").isEqualTo(ProbeResult.FAILED);
        ProbeResult matched = ProbeRunner.runOne(plain.withRequest(new ProbeCheck.Request("POST", Map.of("X-Team", "platform"), null, null)));
        assertThat(matched.passed()).as(matched.message()).isTrue();
        assertThat(matched.message()).isEqualTo("HTTP 200 from the route (a host nobody routes: HTTP 404)");
    }

    @Test
    void aGrpcCheckPassesOnAGrpcAnswerOnly() {
        int port = http.getAddress().getPort();
        ProbeResult grpc = ProbeRunner.runOne(ProbeCheck.http("grpc", "127.0.0.1", port, "/grpc.health.v1.Health/Check", "grpc.example.com")
                .withRequest(new ProbeCheck.Request(null, null, true, null)));
        assertThat(grpc.passed()).as(grpc.message()).isTrue();
        assertThat(grpc.message()).isEqualTo("gRPC answer (HTTP 200, grpc-status 12): a gRPC server behind the route");
        ProbeResult web = ProbeRunner.runOne(ProbeCheck.http("web", "127.0.0.1", port, "/web.Shop/List", "grpc.example.com")
                .withRequest(new ProbeCheck.Request(null, null, true, null)));
        assertThat(web.result()).isEqualTo(ProbeResult.FAILED);
        assertThat(web.message()).isEqualTo("HTTP 200 (text/html), not a gRPC answer: no gRPC server behind the route");
        ProbeResult none = ProbeRunner.runOne(ProbeCheck.http("none", "127.0.0.1", port, "/nothing.Here/Call", "grpc.example.com")
                .withRequest(new ProbeCheck.Request(null, null, true, null)));
        assertThat(none.result()).isEqualTo(ProbeResult.FAILED);
        assertThat(none.message()).startsWith("HTTP 404").endsWith("not a gRPC answer: no gRPC server behind the route");
    }

    @Test
    void aGrpcAnswerFromTheProxyItselfIsNoProofOfABackend() {
        int port = http.getAddress().getPort();
        ProbeResult down = ProbeRunner.runOne(ProbeCheck.http("down", "127.0.0.1", port, "/envoy.Down/Call", "grpc.example.com")
                .withRequest(new ProbeCheck.Request(null, null, true, null)));
        assertThat(down.result()).isEqualTo(ProbeResult.FAILED);
        assertThat(down.message()).isEqualTo("gRPC UNAVAILABLE (HTTP 200, grpc-status 14: no healthy upstream): the proxy reached no backend");
        ProbeResult noRoute = ProbeRunner.runOne(ProbeCheck.http("noroute", "127.0.0.1", port, "/envoy.NoRoute/Call", "grpc.example.com")
                .withRequest(new ProbeCheck.Request(null, null, true, null)).withUnroutedHost(ProbePlan.UNROUTED_HOST));
        assertThat(noRoute.result()).isEqualTo(ProbeResult.FAILED);
        assertThat(noRoute.message()).isEqualTo("gRPC answer as for a host nobody routes (HTTP 200, grpc-status 12): the proxy's, not a backend's");
    }

    @Test
    void aTcpRouteCheckFailsWhenTheProxyDropsTheConnectionAtOnce() {
        ProbeResult kept = ProbeRunner.runOne(ProbeCheck.tcp("kept", "127.0.0.1", holding.getLocalPort()).withHoldMs(300));
        assertThat(kept.passed()).as(kept.message()).isTrue();
        assertThat(kept.message()).endsWith("and held open 300 ms");
        ProbeResult dropped = ProbeRunner.runOne(ProbeCheck.tcp("dropped", "127.0.0.1", dropping.getLocalPort()).withHoldMs(300));
        assertThat(dropped.result()).isEqualTo(ProbeResult.FAILED);
        assertThat(dropped.message()).contains("then closed at once without a byte").endsWith("no reachable backend for it");
        assertThat(ProbeRunner.runOne(ProbeCheck.tcp("plain", "127.0.0.1", dropping.getLocalPort())).passed())
                .as("a bare connect cannot tell: the false pass the hold prevents").isTrue();
    }

    @Test
    void aTlsRouteCheckTellsTheBackendsCertificateFromTheOneEveryNameGets(@TempDir Path dir) throws Exception {
        SSLContext backend = context(dir, "dot.example.com");
        // Passthrough: only the routed name completes a handshake (the backend); any other name gets none.
        try (SSLServerSocket byName = server(backend, "dot.example.com"); SSLServerSocket anyName = server(backend, null)) {
            ProbeResult routed = ProbeRunner.runOne(ProbeCheck.tls("dot", "127.0.0.1", byName.getLocalPort(), "dot.example.com", ProbePlan.UNROUTED_HOST));
            assertThat(routed.passed()).as(routed.message()).isTrue();
            assertThat(routed.message()).isEqualTo("TLS handshake for dot.example.com with CN=dot.example.com (a name nobody routes: no handshake)");
            ProbeResult wrongName = ProbeRunner.runOne(ProbeCheck.tls("other", "127.0.0.1", byName.getLocalPort(), "other.example.com", null));
            assertThat(wrongName.result()).isEqualTo(ProbeResult.FAILED);
            assertThat(wrongName.message()).startsWith("no TLS handshake for other.example.com");
            // One certificate for every name: the answer cannot be told from the one for a name nobody routes.
            // Terminated at a Gateway that forwards: the connection is then held; one that drops it at once fails.
            ProbeResult held = ProbeRunner.runOne(ProbeCheck.tls("held", "127.0.0.1", anyName.getLocalPort(), "dot.example.com", null).withHoldMs(300));
            assertThat(held.passed()).as(held.message()).isTrue();
            assertThat(held.message()).isEqualTo("TLS handshake for dot.example.com with CN=dot.example.com, held open 300 ms");
            ProbeResult same = ProbeRunner.runOne(ProbeCheck.tls("same", "127.0.0.1", anyName.getLocalPort(), "dot.example.com", ProbePlan.UNROUTED_HOST));
            assertThat(same.result()).isEqualTo(ProbeResult.FAILED);
            assertThat(same.message()).isEqualTo("TLS with CN=dot.example.com, the certificate a name nobody routes gets too: not the route's backend");
        }
    }

    @Test
    void aTlsRouteEndedAtTheGatewayIsToldFromTheGatewaysOwnAnswerForANameNobodyRoutes(@TempDir Path dir) throws Exception {
        SSLContext listener = context(dir, "*.example.com");
        // As Traefik does: TLS ended for any name with the listener's certificate; a routed name's bytes go to the
        // backend (an HTTP server here), any other name gets the Gateway's own dated 404.
        try (SSLServerSocket routing = gateway(listener, "term.example.com", false); SSLServerSocket notRouting = gateway(listener, null, false);
                SSLServerSocket dropping = gateway(listener, "term.example.com", true)) {
            ProbeResult routed = ProbeRunner.runOne(ProbeCheck.tls("term", "127.0.0.1", routing.getLocalPort(), "term.example.com",
                    ProbePlan.UNROUTED_HOST).withHoldMs(300));
            assertThat(routed.passed()).as(routed.message()).isTrue();
            assertThat(routed.message()).isEqualTo("TLS handshake for term.example.com with CN=*.example.com, held open 300 ms, then answered "
                    + "\"HTTP/1.0 200 OK\" (a name nobody routes: answered \"HTTP/1.1 404 Not Found\")");
            // The Gateway no longer routes the name (its controller stopped): every name gets the same 404.
            ProbeResult unrouted = ProbeRunner.runOne(ProbeCheck.tls("term", "127.0.0.1", notRouting.getLocalPort(), "term.example.com",
                    ProbePlan.UNROUTED_HOST).withHoldMs(300));
            assertThat(unrouted.result()).isEqualTo(ProbeResult.FAILED);
            assertThat(unrouted.message()).isEqualTo("answered as a name nobody routes \"HTTP/1.1 404 Not Found\" after a TLS handshake for "
                    + "term.example.com with CN=*.example.com: the Gateway's own answer, not a backend's");
            // Routed, but the backend cannot be reached: the connection is dropped right after the handshake.
            ProbeResult dropped = ProbeRunner.runOne(ProbeCheck.tls("term", "127.0.0.1", dropping.getLocalPort(), "term.example.com",
                    ProbePlan.UNROUTED_HOST).withHoldMs(300));
            assertThat(dropped.result()).isEqualTo(ProbeResult.FAILED);
            assertThat(dropped.message()).isEqualTo("TLS handshake for term.example.com with CN=*.example.com, then closed at once: the Gateway"
                    + " has no reachable backend for it");
        }
    }

    /**
     * A Gateway's TLS listener that ends TLS for every name: {@code routedName} (when not null) is forwarded to a
     * backend that answers an HTTP request with 200 (or, with {@code dropRouted}, closed at once); other names get 404.
     */
    static SSLServerSocket gateway(SSLContext context, String routedName, boolean dropRouted) throws Exception {
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, LOOPBACK);
        serve(server, socket -> {
            Thread session = new Thread(() -> {
                try (SSLSocket tls = (SSLSocket) socket) {
                    tls.startHandshake();
                    String name = ((javax.net.ssl.ExtendedSSLSession) tls.getSession()).getRequestedServerNames().stream()
                            .map(n -> ((SNIHostName) n).getAsciiName()).findFirst().orElse("");
                    boolean routed = name.equals(routedName);
                    if (routed && dropRouted) {
                        return;
                    }
                    InputStream in = tls.getInputStream();
                    StringBuilder request = new StringBuilder();
                    while (!request.toString().endsWith("\r\n\r\n")) {
                        int c = in.read();
                        if (c < 0) {
                            return;
                        }
                        request.append((char) c);
                    }
                    tls.getOutputStream().write((routed ? "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nhi\n"
                            : "HTTP/1.1 404 Not Found\r\nDate: " + System.nanoTime() + "\r\nContent-Length: 19\r\n\r\n404 page not found\n")
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    // the client went away
                }
            });
            session.setDaemon(true);
            session.start();
        });
        return server;
    }

    /** A key and self-signed certificate for {@code name}, made by the JDK's keytool. */
    static SSLContext context(Path dir, String name) throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", "server",
                "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=" + name, "-ext", "SAN=dns:" + name,
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(out).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        return context;
    }

    /** A TLS server that completes handshakes for {@code onlyName} only (SNI), or for any name when null. */
    static SSLServerSocket server(SSLContext context, String onlyName) throws Exception {
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, LOOPBACK);
        if (onlyName != null) {
            SSLParameters parameters = server.getSSLParameters();
            parameters.setSNIMatchers(List.of(SNIHostName.createSNIMatcher(onlyName.replace(".", "\\."))));
            server.setSSLParameters(parameters);
        }
        serve(server, socket -> {
            Thread handshake = new Thread(() -> {
                try (SSLSocket tls = (SSLSocket) socket) {
                    tls.startHandshake();
                    tls.getInputStream().read();
                } catch (Exception e) {
                    // a refused name: the handshake fails, as a passthrough listener's would
                }
            });
            handshake.setDaemon(true);
            handshake.start();
        });
        return server;
    }
}
