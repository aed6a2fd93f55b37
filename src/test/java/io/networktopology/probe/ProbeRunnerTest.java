package io.networktopology.probe;

import com.fasterxml.jackson.databind.JsonNode;
import io.networktopology.model.DnsNames;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe program against real servers on loopback: TCP and HTTP servers, its own echo server, and a real DNS
 * server (dnsmasq) serving A, AAAA, SRV, PTR and CNAME records. Only 127.0.0.1 is ever contacted.
 */
class ProbeRunnerTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static HttpServer http;
    static ServerSocket silent;
    static EchoServer echo;
    static Process dnsmasq;
    static int dnsPort;

    @BeforeAll
    static void startServers() throws Exception {
        http = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        http.createContext("/", exchange -> {
            // A virtual host: only shop.example.com is routed, as an ingress controller would; any other host gets the
            // controller's own 404 (Traefik's text), and the backend answers 404 in its own words for a page it lacks.
            boolean routed = "shop.example.com".equals(exchange.getRequestHeaders().getFirst("Host"));
            boolean missing = exchange.getRequestURI().getPath().equals("/missing");
            int code = routed && !missing ? 200 : 404;
            byte[] body = (!routed ? "404 page not found\n" : missing ? "<h1>no such page</h1>"
                    : "host " + exchange.getRequestHeaders().getFirst("Host")).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        silent = new ServerSocket(0, 50, LOOPBACK);
        Thread accept = new Thread(() -> {
            List<Socket> held = new ArrayList<>();
            while (!silent.isClosed()) {
                try {
                    held.add(silent.accept()); // accepted, never answered
                } catch (Exception e) {
                    return;
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        echo = new EchoServer(LOOPBACK, 0, "echo-a");

        try (ServerSocket free = new ServerSocket(0, 1, LOOPBACK)) {
            dnsPort = free.getLocalPort();
        }
        dnsmasq = new ProcessBuilder("dnsmasq", "-k", "--conf-file=/dev/null", "--port=" + dnsPort, "--listen-address=127.0.0.1",
                "--bind-interfaces", "--no-resolv", "--no-hosts", "--local=/cluster.local/",
                "--host-record=web.default.svc.cluster.local,10.96.0.10,fd00::10",
                "--srv-host=_http._tcp.web.default.svc.cluster.local,web.default.svc.cluster.local,80,0,10",
                "--cname=alias.default.svc.cluster.local,web.default.svc.cluster.local")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        // dnsmasq is up when it answers.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline
                && !ProbeRunner.runOne(dns("up", "web.default.svc.cluster.local", "A", List.of())).passed()) {
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        http.stop(0);
        silent.close();
        echo.close();
        dnsmasq.destroy();
        dnsmasq.waitFor();
    }

    static ProbeCheck.Dns dns(String id, String name, String type, List<String> expect) {
        return ProbeCheck.dns(id, "127.0.0.1:" + dnsPort, name, type, expect).with(new ProbeCheck.Common(id, 1000, null, null, null, null, null));
    }

    static int freePort() throws Exception {
        try (ServerSocket free = new ServerSocket(0, 1, LOOPBACK)) {
            return free.getLocalPort();
        }
    }

    @Test
    void aLoadBalancerCheckRunsOnlyFromAnAddressItsSourceRangesAdmit() {
        ProbeCheck lb = ProbeCheck.tcp("lb-front-443", "127.0.0.1", http.getAddress().getPort()).withSourceRanges(List.of("203.0.113.0/24", "10.244.0.0/16"));
        assertThat(ProbeRunner.outsideSourceRanges(lb, "10.244.1.7")).isNull();
        assertThat(ProbeRunner.outsideSourceRanges(lb, "10.245.1.7"))
                .isEqualTo("not applicable: loadBalancerSourceRanges 203.0.113.0/24, 10.244.0.0/16 do not admit this probe pod (10.245.1.7);"
                        + " the load balancer refuses it by design");
        assertThat(ProbeRunner.outsideSourceRanges(lb, null)).contains("(address unknown)");
        assertThat(ProbeRunner.outsideSourceRanges(ProbeCheck.tcp("svc", "127.0.0.1", 80), "10.245.1.7")).isNull();
    }

    @Test
    void tcpPassesOnAListeningPortAndFailsOnAClosedOne() throws Exception {
        assertThat(ProbeRunner.runOne(ProbeCheck.tcp("open", "127.0.0.1", http.getAddress().getPort())).passed()).isTrue();
        ProbeResult closed = ProbeRunner.runOne(ProbeCheck.tcp("closed", "127.0.0.1", freePort()));
        assertThat(closed.result()).isEqualTo("F");
        assertThat(closed.message()).contains("ConnectException");
    }

    @Test
    void aPathThatMustBeClosedPassesOnlyWhenNoConnectionOpens() throws Exception {
        ProbeResult open = ProbeRunner.runOne(ProbeCheck.tcp("open", "127.0.0.1", http.getAddress().getPort()).withExpectNoConnection());
        assertThat(open.result()).isEqualTo("F");
        assertThat(open.message()).startsWith("connected to /127.0.0.1:").endsWith("but this path must be closed");
        ProbeResult closed = ProbeRunner.runOne(ProbeCheck.tcp("closed", "127.0.0.1", freePort()).withExpectNoConnection());
        assertThat(closed.passed()).isTrue();
        assertThat(closed.message()).startsWith("no connection, as expected (ConnectException");
    }

    @Test
    void httpSendsTheHostHeaderOfTheRuleAndChecksTheStatusClass() {
        int port = http.getAddress().getPort();
        ProbeResult served = ProbeRunner.runOne(ProbeCheck.http("vhost", "127.0.0.1", port, "/", "shop.example.com"));
        assertThat(served.passed()).as(served.message()).isTrue();
        assertThat(served.message()).isEqualTo("HTTP 200");
        ProbeResult other = ProbeRunner.runOne(ProbeCheck.http("other", "127.0.0.1", port, "/", "evil.example.com"));
        assertThat(other.result()).isEqualTo("F");
        assertThat(other.message()).isEqualTo("HTTP 404, expected 2xx");
        assertThat(ProbeRunner.runOne(ProbeCheck.http("404ok", "127.0.0.1", port, "/", "x.example.com").withExpectStatusClass(4)).passed())
                .isTrue();
    }

    @Test
    void anIngressCheckPassesOnlyWhenTheRouteAnswersOtherwiseThanAHostNobodyRoutes() {
        int port = http.getAddress().getPort();
        ProbeResult routed = ProbeRunner.runOne(ProbeCheck.http("routed", "127.0.0.1", port, "/", "shop.example.com").withMaxStatusClass(4)
                .withUnroutedHost(ProbePlan.UNROUTED_HOST));
        assertThat(routed.passed()).as(routed.message()).isTrue();
        assertThat(routed.message()).isEqualTo("HTTP 200 from the route (a host nobody routes: HTTP 404)");
        // The backend's own 404 is an answer from the route: a pass.
        ProbeResult backend404 = ProbeRunner.runOne(ProbeCheck.http("b404", "127.0.0.1", port, "/missing", "shop.example.com").withMaxStatusClass(4)
                .withUnroutedHost(ProbePlan.UNROUTED_HOST));
        assertThat(backend404.passed()).as(backend404.message()).isTrue();
        // The trial's false pass: a route the controller dropped answers its 404, which "anything but 5xx" took for a pass.
        ProbeResult dropped = ProbeRunner.runOne(ProbeCheck.http("dropped", "127.0.0.1", port, "/", "gone.example.com").withMaxStatusClass(4)
                .withUnroutedHost(ProbePlan.UNROUTED_HOST));
        assertThat(dropped.result()).isEqualTo("F");
        assertThat(dropped.message()).isEqualTo("HTTP 404 as for a host nobody routes (19 bytes alike): the controller has no route to a"
                + " backend for it (no ready endpoint, or the route not taken up)");
        assertThat(ProbeRunner.runOne(ProbeCheck.http("old", "127.0.0.1", port, "/", "gone.example.com").withMaxStatusClass(4)).passed())
                .as("without the comparison: the false pass").isTrue();
    }

    @Test
    void aServerThatNeverAnswersFailsWithinTheTimeout() {
        ProbeResult result = ProbeRunner.runOne(ProbeCheck.http("silent", "127.0.0.1", silent.getLocalPort(), "/", "shop.example.com")
                .withTimeoutMs(300));
        assertThat(result.result()).isEqualTo("F");
        assertThat(result.message()).isEqualTo("timed out after 300 ms");
    }

    @Test
    void dnsChecksEveryRecordKindAgainstARealServer() {
        assertThat(ProbeRunner.runOne(dns("a", "web.default.svc.cluster.local", "A", List.of("10.96.0.10"))).passed()).isTrue();
        // An address is compared as an address, in whatever form it is written (a trial saw "missing fd00:99::250; got
        // fd00:99:0:0:0:0:0:250" for a record CoreDNS served right), and said in the form a user writes.
        ProbeResult aaaa = ProbeRunner.runOne(dns("aaaa", "web.default.svc.cluster.local", "AAAA", List.of("fd00::10")));
        assertThat(aaaa.passed()).as(aaaa.message()).isTrue();
        assertThat(aaaa.message()).isEqualTo("fd00::10");
        assertThat(ProbeRunner.runOne(dns("aaaa-long", "web.default.svc.cluster.local", "AAAA", List.of("FD00:0:0:0:0:0:0:10"))).passed()).isTrue();
        ProbeResult wrong6 = ProbeRunner.runOne(dns("aaaa-wrong", "web.default.svc.cluster.local", "AAAA", List.of("fd00::11")));
        assertThat(wrong6.message()).isEqualTo("missing fd00::11; got fd00::10");
        assertThat(ProbeRunner.runOne(dns("ptr6", DnsNames.ptrName("fd00::10").orElseThrow(), "PTR", List.of("web.default.svc.cluster.local.")))
                .passed()).isTrue();
        ProbeResult srv = ProbeRunner.runOne(dns("srv", "_http._tcp.web.default.svc.cluster.local", "SRV", List.of()));
        assertThat(srv.passed()).as(srv.message()).isTrue();
        assertThat(srv.message()).contains("80 web.default.svc.cluster.local.");
        assertThat(ProbeRunner.runOne(dns("ptr", "10.0.96.10.in-addr.arpa", "PTR", List.of("web.default.svc.cluster.local"))).passed()).isTrue();
        assertThat(ProbeRunner.runOne(dns("cname", "alias.default.svc.cluster.local", "CNAME", List.of("web.default.svc.cluster.local"))).passed())
                .isTrue();
        assertThat(ProbeRunner.runOne(dns("nx", "nope.default.svc.cluster.local", "A", List.of()).withExpectNxdomain()).passed()).isTrue();
    }

    @Test
    void dnsFailsWhenTheRecordIsMissingOrDifferent() {
        ProbeResult wrong = ProbeRunner.runOne(dns("wrong", "web.default.svc.cluster.local", "A", List.of("10.96.0.99")));
        assertThat(wrong.result()).isEqualTo("F");
        assertThat(wrong.message()).isEqualTo("missing 10.96.0.99; got 10.96.0.10");
        ProbeResult missing = ProbeRunner.runOne(dns("missing", "gone.default.svc.cluster.local", "A", List.of()));
        assertThat(missing.message()).isEqualTo("NXDOMAIN for gone.default.svc.cluster.local. A");
        ProbeResult unexpected = ProbeRunner.runOne(dns("there", "web.default.svc.cluster.local", "A", List.of()).withExpectNxdomain());
        assertThat(unexpected.message()).startsWith("expected NXDOMAIN, got NOERROR");
    }

    @Test
    void echoProvesTheSourceAddressArrivedUnchangedAndCountsBackends() {
        ProbeResult direct = ProbeRunner.runOne(ProbeCheck.echo("nonat", "127.0.0.1", echo.port(), "127.0.0.1", null, 3));
        assertThat(direct.passed()).as(direct.message()).isTrue();
        assertThat(direct.message()).isEqualTo("source seen 127.0.0.1; answered by echo-a");
        ProbeResult nat = ProbeRunner.runOne(ProbeCheck.echo("nat", "127.0.0.1", echo.port(), "10.244.1.5", null, 1));
        assertThat(nat.result()).isEqualTo("F");
        assertThat(nat.message()).isEqualTo("NAT: echo-a saw the client as 127.0.0.1, not 10.244.1.5");
        ProbeResult oneOfTwo = ProbeRunner.runOne(ProbeCheck.echo("lb", "127.0.0.1", echo.port(), null, 2, 4));
        assertThat(oneOfTwo.message()).isEqualTo("4 requests reached 1 of 2 backends: echo-a");
    }

    @Test
    void sessionAffinityPassesWhenOneClientStaysOnOneBackendAndFailsWhenItIsSpread() throws Exception {
        // One backend: every request of this client on it, as kube-proxy does for sessionAffinity: ClientIP.
        ProbeResult kept = ProbeRunner.runOne(ProbeCheck.echo("affinity", "127.0.0.1", echo.port(), null, null, 6).withMaxBackends(1));
        assertThat(kept.passed()).as(kept.message()).isTrue();
        // A Service that spreads one client over two backends (a round robin forwarder here): affinity not kept.
        try (EchoServer second = new EchoServer(LOOPBACK, 0, "echo-b"); ServerSocket front = new ServerSocket(0, 50, LOOPBACK)) {
            int[] backends = {echo.port(), second.port()};
            Thread forwarder = new Thread(() -> {
                for (int i = 0; !front.isClosed(); i++) {
                    try (Socket in = front.accept(); Socket out = new Socket(LOOPBACK, backends[i % 2])) {
                        in.getOutputStream().write(out.getInputStream().readAllBytes());
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            forwarder.setDaemon(true);
            forwarder.start();
            ProbeResult spread = ProbeRunner.runOne(ProbeCheck.echo("affinity", "127.0.0.1", front.getLocalPort(), null, null, 6).withMaxBackends(1));
            assertThat(spread.result()).isEqualTo("F");
            assertThat(spread.message()).isEqualTo("6 requests from one client reached 2 backends (echo-a, echo-b), more than 1: session affinity not kept");
        }
    }

    @Test
    void aReportTooBigCutsThePassedChecksMessagesBeforeTheFailuresAndAtAWord() throws Exception {
        List<ProbeResult> results = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            results.add(new ProbeResult("passed-" + i, ProbeResult.PASSED, 3L, "connected to web.shop.svc.cluster.local/10.96.0.10:80 after "
                    + "a while, and this message goes on long enough to make forty of them too much for one report"));
        }
        String failure = "ConnectException: Connection refused (the echo pod on node2 did not answer)";
        results.add(new ProbeResult("failed", ProbeResult.FAILED, 1000L, failure));
        String report = ProbeRunner.report(results);
        assertThat(report.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ProbeRunner.MAX_REPORT_BYTES);
        assertThat(report).as("the failure, whole").contains(failure);
        assertThat(ProbeRunner.cut("ConnectException: Connection refused", 30)).isEqualTo("ConnectException: Connection …");
        assertThat(ProbeRunner.cut("ConnectException: Connection refused", 25)).isEqualTo("ConnectException: …");
    }

    @Test
    void checksRunInParallelAndTheReportFitsTheTerminationMessage() throws Exception {
        List<ProbeCheck> checks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            checks.add(ProbeCheck.tcp("check-number-" + i + "-with-a-long-identifier", "127.0.0.1", i % 2 == 0 ? http.getAddress().getPort() : freePort())
                    .withTimeoutMs(1000));
        }
        List<ProbeResult> results = ProbeRunner.run(checks);
        assertThat(results).hasSize(300);
        String report = ProbeRunner.report(results);
        assertThat(report.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ProbeRunner.MAX_REPORT_BYTES);
        JsonNode parsed = new ObjectMapper().readTree(report);
        assertThat(parsed.get("v").asInt()).isEqualTo(1);
        assertThat(parsed.get("checks")).allSatisfy(c -> assertThat(c.get("r").asText()).isEqualTo("F"));
        long passed = results.stream().filter(ProbeResult::passed).count();
        assertThat(passed).as("every check against a closed port fails").isLessThanOrEqualTo(150);
        assertThat(parsed.get("passedNotListed").asLong()).isEqualTo(passed);
        assertThat(parsed.get("checks").size()).as("as many failures as fit are listed").isGreaterThan(40);
        assertThat(parsed.get("checks").size() + parsed.get("failedNotListed").asLong()).isEqualTo(300 - passed);

        String small = ProbeRunner.report(ProbeRunner.run(checks.subList(0, 4)));
        assertThat(new ObjectMapper().readTree(small).get("checks")).extracting(c -> c.get("r").asText()).containsExactly("P", "F", "P", "F");
    }

    @Test
    void aCheckWithARetryWindowPassesOnceWhatItChecksArrivesAndSaysItWaited() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, LOOPBACK)) {
            port = free.getLocalPort();
        }
        // Nothing listens yet (as a Corefile entry CoreDNS has not loaded yet); a server comes up 1.5 s later.
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(1500);
                try (ServerSocket server = new ServerSocket(port, 5, LOOPBACK)) {
                    server.setSoTimeout(10_000);
                    server.accept().close();
                }
            } catch (Exception ignored) {
                // the assertion below tells
            }
        });
        late.start();
        ProbeResult waited = ProbeRunner.run(List.of(ProbeCheck.tcp("late", "127.0.0.1", port).withRetryForMs(10_000))).get(0);
        late.join();
        assertThat(waited.result()).isEqualTo(ProbeResult.PASSED);
        assertThat(waited.message()).contains("tries").contains("the change was still on its way");

        ProbeResult never = ProbeRunner.run(List.of(ProbeCheck.tcp("never", "127.0.0.1", port).withRetryForMs(1_500))).get(0);
        assertThat(never.result()).isEqualTo(ProbeResult.FAILED);
        assertThat(never.message()).contains("still failing after");
    }

    @Test
    void anEndpointsCheckNeedsEveryEndpointToAnswerAndNamesTheOneThatDidNot() throws Exception {
        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, LOOPBACK)) {
            closed = free.getLocalPort();
        }
        String up = "127.0.0.1:" + echo.port();
        ProbeResult all = ProbeRunner.runOne(ProbeCheck.endpoints("all", List.of(up)));
        assertThat(all.result()).isEqualTo(ProbeResult.PASSED);
        assertThat(all.message()).isEqualTo("every endpoint answered (1): " + up);

        ProbeResult one = ProbeRunner.runOne(ProbeCheck.endpoints("one", List.of(up, "127.0.0.1:" + closed)));
        assertThat(one.result()).isEqualTo(ProbeResult.FAILED);
        assertThat(one.message()).startsWith("1/2 endpoints answered; 127.0.0.1:" + closed + ": ConnectException");
    }
}
