package io.networktopology.cluster;

import io.networktopology.Processes;
import io.networktopology.api.v1alpha1.CheckStatus;
import io.networktopology.api.v1alpha1.EntryPoint;
import io.networktopology.api.v1alpha1.NetworkTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Gateway API routes through a real Gateway: Traefik's Gateway provider (tools/cluster/up.sh: GatewayClass traefik,
 * Gateway traefik/shared with HTTP, HTTPS, TLS passthrough and TCP listeners, node1's address in its status). The
 * topology's HTTPRoute, GRPCRoute (to a real gRPC server), TLSRoute (to a real TLS server, by SNI) and TCPRoute are each
 * probed through the listener they attach to; with Traefik gone exactly those checks fail, and they come back by
 * themselves. A route the Gateway refuses shows the Gateway's own reason.
 */
@ExtendWith(RealClusterExtension.class)
class RealClusterGatewayTest {

    static RealCluster cluster;

    @BeforeAll
    static void up(RealCluster realCluster) throws Exception {
        cluster = realCluster;
        cluster.installOperator();
        cluster.kubectlOk("apply", "-f", "src/test/resources/cluster/gatewaynet.yaml");
        cluster.tlsSecret("gatewaynet", "dot-tls", "dot.gateway.test");
        cluster.kubectlOk("-n", "gatewaynet", "rollout", "status", "deploy/web", "--timeout=120s");
        cluster.kubectlOk("-n", "gatewaynet", "rollout", "status", "deploy/dnsbackend", "--timeout=120s");
    }

    @AfterAll
    static void down() {
        if (cluster != null) {
            cluster.kubectl("delete", "namespace", "gatewaynet", "gatewayrefused", "--wait=false", "--ignore-not-found");
        }
    }

    @Test
    void everyRouteIsProvenThroughTheGatewayAndFailsWithoutIt() {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(RealCluster.condition(topology(), "Ready")).isEqualTo("True"));
        System.out.println(cluster.kubectlOk("get", "ntopo,httproute,grpcroute,tlsroute,tcproute", "-n", "gatewaynet"));
        routeChecks().forEach(c -> System.out.println(c.getId() + " | " + c.getTo() + " | " + c.getMessage()));
        NetworkTopology topology = topology();
        assertThat(verified(topology)).as("every path verified, nothing left unchecked").isTrue();
        assertThat(RealCluster.condition(topology, "RoutesReady")).isEqualTo("True");
        assertThat(topology.getStatus().getEntryPoints()).filteredOn(e -> e.getKind() == EntryPoint.Kind.Gateway).extracting(EntryPoint::getAddress)
                .contains("http://shop.gateway.test", "https://*.tenants.gateway.test", "http://grpc.gateway.test (gRPC)",
                        "tls://dot.gateway.test:8443", "tls://term.gateway.test:8444", "tcp://10.99.0.1:9100");
        // Every kind, through its own listener, answered by the route's backend (not by the Gateway for a name nobody routes).
        assertThat(routeChecks()).allSatisfy(c -> assertThat(c.getResult()).as(c.getId()).isEqualTo(CheckStatus.Result.Passed));
        assertThat(routeChecks()).extracting(CheckStatus::getId)
                .contains("httproute-shop-http-shop.gateway.test/", "httproute-shop-https-probe.tenants.gateway.test/api/index.html",
                        "httproute-shop-http-shop.gateway.test/admin-GET-X-Team", "grpcroute-dns-http-grpc.gateway.test/coredns.dns.DnsService/Query",
                        "httproute-shop-http-shop.gateway.test/-X-Backend", "httproute-shop-https-shop.gateway.test/-HEAD",
                        "tlsroute-dot-tls-dot.gateway.test", "tlsroute-term-tlsterm-term.gateway.test", "tcproute-raw-tcp-10.99.0.1");
        assertThat(check("grpcroute-dns-http-grpc.gateway.test/coredns.dns.DnsService/Query").getMessage()).contains("gRPC answer");
        assertThat(check("tlsroute-dot-tls-dot.gateway.test").getMessage()).contains("CN=dot.gateway.test");
        // Ended at the Gateway (its own *.gateway.test certificate, which any name gets there), then forwarded: the
        // connection is kept, and the backend's answer is not the 404 Traefik gives a name nobody routes.
        assertThat(check("tlsroute-term-tlsterm-term.gateway.test").getMessage()).contains("CN=*.gateway.test").contains("held open")
                .contains("(a name nobody routes: answered \"HTTP/1.0 404 Not Found\")");
        assertThat(topology.getStatus().getConnectivity().getNotChecked()).isNullOrEmpty();

        cluster.kubectlOk("-n", "traefik", "scale", "deploy/traefik", "--replicas=0");
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(RealCluster.condition(topology(), "ConnectivityVerified")).startsWith("False ConnectivityFailed");
                List<CheckStatus> checks = topology().getStatus().getConnectivity().getChecks();
                // Exactly the routes' checks: the Services, reached from pods, do not need the Gateway.
                assertThat(checks).filteredOn(c -> c.getResult() == CheckStatus.Result.Failed).extracting(CheckStatus::getId)
                        .isNotEmpty().allSatisfy(id -> assertThat(id).matches("(http|grpc|tls|tcp)route-.*"));
                assertThat(routeChecks()).allSatisfy(c -> assertThat(c.getResult()).as(c.getId()).isEqualTo(CheckStatus.Result.Failed));
            });
            routeChecks().forEach(c -> System.out.println("[Traefik gone] " + c.getId() + " | " + c.getMessage()));
        } finally {
            cluster.kubectlOk("-n", "traefik", "scale", "deploy/traefik", "--replicas=1");
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(verified(topology())).isTrue());
    }

    @Test
    void aBackendThatIsGoneFailsItsRouteForWhatItIs() {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(verified(topology())).isTrue());
        // The gRPC and TLS server gone: the Gateway still listens, but has no backend for those routes.
        cluster.kubectlOk("-n", "gatewaynet", "scale", "deploy/dnsbackend", "--replicas=0");
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(check("grpcroute-dns-http-grpc.gateway.test/coredns.dns.DnsService/Query")).satisfies(c -> {
                    assertThat(c.getResult()).isEqualTo(CheckStatus.Result.Failed);
                    assertThat(c.getMessage()).contains("not a gRPC answer");
                });
                assertThat(check("tlsroute-dot-tls-dot.gateway.test").getResult()).isEqualTo(CheckStatus.Result.Failed);
                assertThat(routeChecks()).filteredOn(c -> c.getId().startsWith("httproute-") || c.getId().startsWith("tcproute-"))
                        .allSatisfy(c -> assertThat(c.getResult()).as(c.getId()).isEqualTo(CheckStatus.Result.Passed));
            });
            routeChecks().forEach(c -> System.out.println("[gRPC/TLS backend gone] " + c.getId() + " | " + c.getMessage()));
        } finally {
            cluster.kubectlOk("-n", "gatewaynet", "scale", "deploy/dnsbackend", "--replicas=1");
        }
        // The web backend gone: the TCP route is accepted and closed at once, the HTTP routes answer as for no route.
        cluster.kubectlOk("-n", "gatewaynet", "scale", "deploy/web", "--replicas=0");
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(check("tcproute-raw-tcp-10.99.0.1")).satisfies(c -> {
                    assertThat(c.getResult()).isEqualTo(CheckStatus.Result.Failed);
                    assertThat(c.getMessage()).contains("no reachable backend");
                });
                assertThat(check("httproute-shop-http-shop.gateway.test/").getResult()).isEqualTo(CheckStatus.Result.Failed);
                // Nothing to forward to: Traefik does not even end the handshake (the "closed at once" after a
                // handshake, what other Gateways do, is RouteCheckRunnerTest's, on loopback).
                assertThat(check("tlsroute-term-tlsterm-term.gateway.test")).satisfies(c -> {
                    assertThat(c.getResult()).isEqualTo(CheckStatus.Result.Failed);
                    assertThat(c.getMessage()).startsWith("no TLS handshake for term.gateway.test");
                });
            });
            routeChecks().forEach(c -> System.out.println("[web backend gone] " + c.getId() + " | " + c.getMessage()));
        } finally {
            cluster.kubectlOk("-n", "gatewaynet", "scale", "deploy/web", "--replicas=1");
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(verified(topology())).isTrue());
    }

    @Test
    void aRuleTakenByAHeaderOrAMethodAloneIsProvenOnItsOwnBackend() {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(verified(topology())).isTrue());
        // The admin backend gone: a request with X-Backend: admin, or a HEAD, is still taken by its rule and gets the
        // Gateway's 503; every other request goes to web and passes. A probe that dropped the header or sent GET would
        // have been answered by web and passed.
        cluster.kubectlOk("-n", "gatewaynet", "scale", "deploy/webadmin", "--replicas=0");
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                List<CheckStatus> http = routeChecks().stream().filter(c -> c.getId().startsWith("httproute-")).toList();
                assertThat(http).filteredOn(c -> c.getId().endsWith("/-X-Backend") || c.getId().endsWith("/-HEAD")).hasSize(8)
                        .allSatisfy(c -> {
                            assertThat(c.getResult()).as(c.getId()).isEqualTo(CheckStatus.Result.Failed);
                            assertThat(c.getMessage()).as(c.getId()).startsWith("HTTP 503");
                        });
                assertThat(http).filteredOn(c -> !c.getId().endsWith("/-X-Backend") && !c.getId().endsWith("/-HEAD")).isNotEmpty()
                        .allSatisfy(c -> assertThat(c.getResult()).as(c.getId()).isEqualTo(CheckStatus.Result.Passed));
            });
            routeChecks().forEach(c -> System.out.println("[admin backend gone] " + c.getId() + " | " + c.getMessage()));
        } finally {
            cluster.kubectlOk("-n", "gatewaynet", "scale", "deploy/webadmin", "--replicas=1");
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(verified(topology())).isTrue());
    }

    @Test
    void aGatewayThatNoLongerRoutesIsToldFromOneThatDoes() {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(verified(topology())).isTrue());
        // Traefik restarted without its Gateway provider: it still listens on every port (as an HTTP server where it
        // has no TCP router), the Gateway and the routes keep their Accepted status, but nothing routes them. The TCP
        // route's check cannot tell (Traefik holds the connection, waiting for an HTTP request): not asserted, printed.
        String gatewayProvider = "--providers.kubernetesgateway=true";
        int index = traefikArgs().indexOf(gatewayProvider);
        assertThat(index).isNotNegative();
        patchTraefikArg(index, "--providers.kubernetesgateway=false");
        try {
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(routeChecks()).filteredOn(c -> c.getId().startsWith("httproute-")).isNotEmpty().allSatisfy(c -> {
                    assertThat(c.getResult()).as(c.getId()).isEqualTo(CheckStatus.Result.Failed);
                    assertThat(c.getMessage()).as(c.getId()).contains("as for a host nobody routes");
                });
                assertThat(check("grpcroute-dns-http-grpc.gateway.test/coredns.dns.DnsService/Query")).satisfies(c -> {
                    assertThat(c.getResult()).isEqualTo(CheckStatus.Result.Failed);
                    assertThat(c.getMessage()).contains("not a gRPC answer");
                });
                // Traefik now ends TLS on those ports itself, with its default certificate, for any name.
                assertThat(check("tlsroute-dot-tls-dot.gateway.test")).satisfies(c -> {
                    assertThat(c.getResult()).isEqualTo(CheckStatus.Result.Failed);
                    assertThat(c.getMessage()).contains("the certificate a name nobody routes gets too");
                });
                assertThat(check("tlsroute-term-tlsterm-term.gateway.test")).satisfies(c -> {
                    assertThat(c.getResult()).isEqualTo(CheckStatus.Result.Failed);
                    assertThat(c.getMessage()).startsWith("answered as a name nobody routes \"HTTP/1.0 404 Not Found\"");
                });
                assertThat(RealCluster.condition(topology(), "RoutesReady")).isEqualTo("True");
            });
            routeChecks().forEach(c -> System.out.println("[Gateway provider off] " + c.getId() + " | " + c.getResult() + " | " + c.getMessage()));
        } finally {
            patchTraefikArg(index, gatewayProvider);
        }
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(verified(topology())).isTrue());
    }

    static List<String> traefikArgs() {
        return List.of(cluster.kubectlOk("-n", "traefik", "get", "deploy/traefik", "-o", "jsonpath={range .spec.template.spec.containers[0].args[*]}{@}{\"\\n\"}{end}")
                .strip().split("\n"));
    }

    static void patchTraefikArg(int index, String value) {
        cluster.kubectlOk("-n", "traefik", "patch", "deploy/traefik", "--type=json", "-p",
                "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/args/" + index + "\",\"value\":\"" + value + "\"}]");
        cluster.kubectlOk("-n", "traefik", "rollout", "status", "deploy/traefik", "--timeout=120s");
    }

    @Test
    void aRouteTheGatewayRefusesSaysWhyInTheGatewaysWords() {
        cluster.kubectlOk("create", "namespace", "gatewayrefused");
        String yaml = """
                apiVersion: networktopology.io/v1alpha1
                kind: NetworkTopology
                metadata: {name: refused, namespace: gatewayrefused}
                spec:
                  services:
                  - name: web
                    selector: {app: web}
                    ports: [{port: 80, targetPort: 8080}]
                  httpRoutes:
                  - name: internal
                    parentRefs: [{name: shared, namespace: traefik, sectionName: internal}]
                    hostnames: [app.internal.test]
                    rules: [{backendRefs: [{name: web, port: 80}]}]
                  - name: nolistener
                    parentRefs: [{name: shared, namespace: traefik, sectionName: nope}]
                    hostnames: [app.gateway.test]
                    rules: [{backendRefs: [{name: web, port: 80}]}]
                """;
        Processes.Result applied = cluster.kubectlIn(yaml, "apply", "-f", "-");
        assertThat(applied.exitCode()).as(applied.err()).isZero();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                RealCluster.condition(cluster.topology("gatewayrefused", "refused"), "RoutesReady")).startsWith("False RouteNotAccepted"));
        String message = cluster.topology("gatewayrefused", "refused").getStatus().getConditions().stream()
                .filter(c -> "RoutesReady".equals(c.getType())).findFirst().orElseThrow().getMessage();
        System.out.println("RoutesReady: " + message);
        // The listener internal takes routes of its own namespace only; the listener nope does not exist.
        assertThat(message).contains("HTTPRoute internal: traefik/shared/internal did not accept it: NotAllowedByListeners")
                .contains("HTTPRoute nolistener: traefik/shared/nope did not accept it: NoMatchingParent");
    }

    /** ConnectivityVerified True with reason AllPathsVerified: every check passed and nothing was left unchecked. */
    static boolean verified(NetworkTopology topology) {
        return topology != null && topology.getStatus() != null && topology.getStatus().getConditions() != null && topology.getStatus()
                .getConditions().stream().anyMatch(c -> "ConnectivityVerified".equals(c.getType()) && "True".equals(c.getStatus())
                        && "AllPathsVerified".equals(c.getReason()));
    }

    static NetworkTopology topology() {
        return cluster.topology("gatewaynet", "gatewaynet");
    }

    static List<CheckStatus> routeChecks() {
        return topology().getStatus().getConnectivity().getChecks().stream().filter(c -> c.getId().matches("(http|grpc|tls|tcp)route-.*")).toList();
    }

    static CheckStatus check(String id) {
        return routeChecks().stream().filter(c -> c.getId().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no check " + id));
    }
}
