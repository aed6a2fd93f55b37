package io.networktopology.cluster;

import io.networktopology.api.v1alpha1.CheckStatus;
import io.networktopology.api.v1alpha1.NetworkTopology;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's example, {@code examples/shop.yaml}, applied as it is to the real two-node cluster with its backends as
 * real pods: every Service type, the Ingress through a real controller (Traefik serves class nginx here), a load
 * balancer address from the harness's load balancer, DNS entries patched into the real CoreDNS. Every path passes,
 * and the one check the example's own rules make meaningless from inside the cluster (a load balancer that admits
 * only 203.0.113.0/24) says so instead of failing.
 */
@ExtendWith(RealClusterExtension.class)
class RealClusterShopTest {

    static RealCluster cluster;

    @BeforeAll
    static void up(RealCluster realCluster) throws Exception {
        cluster = realCluster;
        cluster.installOperator();
        cluster.kubectlOk("apply", "-f", "src/test/resources/cluster/shop-backends.yaml");
        cluster.tlsSecret("shop", "shop-tls", "shop.example.com");
        for (String deployment : List.of("web", "db", "admin")) {
            cluster.kubectlOk("-n", "shop", "rollout", "status", "deploy/" + deployment, "--timeout=120s");
        }
    }

    @Test
    void theShopExampleIsVerifiedOnRealNodesAndItsLoadBalancerAnswersOnceItAdmitsTheCluster() {
        cluster.kubectlOk("apply", "-f", "examples/shop.yaml");
        NetworkTopology shop = awaitVerified();
        System.out.println(cluster.kubectlOk("-n", "shop", "get", "ntopo,svc,ingress", "-o", "wide"));
        List<CheckStatus> checks = shop.getStatus().getConnectivity().getChecks();
        checks.forEach(c -> System.out.println(c.getResult() + " | " + c.getId() + " | " + c.getTo() + " | " + c.getMessage()));

        assertThat(RealCluster.condition(shop, "Ready")).isEqualTo("True");
        // admin's externalTrafficPolicy: Local needs hostNetwork clients (nodeToNode), which the example does not ask for.
        assertThat(shop.getStatus().getConnectivity().getNotChecked()).anySatisfy(gap -> assertThat(gap)
                .startsWith("externalTrafficPolicy Local of admin").contains("needs spec.probes.nodeToNode"));
        Map<String, CheckStatus> byId = checks.stream().collect(Collectors.toMap(CheckStatus::getId, c -> c));
        // Each kind of promise, answered by the real network and the real CoreDNS.
        assertThat(byId).containsKeys("svc-ip-web-80", "svc-name-web-80", "dns-a-web", "dns-ptr-web", "dns-srv-web-http",
                "dns-a-db", "dns-cname-payments", "nodeport-admin-8080-node1", "nodeport-admin-8080-node2",
                "dns-alias-www.shop.internal", "dns-host-legacy-db.shop.internal-10.1.2.3", "pod-to-pod-node2");
        assertThat(byId.keySet()).anySatisfy(id -> assertThat(id).startsWith("svc-endpoints-web-"))
                .anySatisfy(id -> assertThat(id).startsWith("ingress-shop-"));
        List<CheckStatus> lb = checks.stream().filter(c -> c.getId().startsWith("lb-storefront-443-")).toList();
        assertThat(lb).as("the load balancer got an address of the harness's range").singleElement()
                .satisfies(c -> assertThat(c.getTo()).startsWith("load balancer 10.99.1."));
        // The example admits only 203.0.113.0/24 at its load balancer: from a probe pod that is a refusal by design.
        assertThat(lb.get(0).getResult()).isEqualTo(CheckStatus.Result.Skipped);
        assertThat(lb.get(0).getMessage()).startsWith("not applicable: loadBalancerSourceRanges 203.0.113.0/24 do not admit this probe pod (10.244.");
        assertThat(shop.getStatus().getConnectivity().getSummary()).endsWith(" passed, 1 not applicable");

        // Without the source ranges the load balancer admits the probe pod, and the check goes through kube-proxy's rules
        // for the load balancer's address to a web pod. The run the change starts is also the second run: by then every
        // other path passes too (in the first, a NodePort with externalTrafficPolicy Local may still be on its way into
        // kube-proxy's rules, a failure below the threshold).
        cluster.kubectlOk("-n", "shop", "patch", "ntopo", "shop", "--type=json",
                "-p", "[{\"op\": \"remove\", \"path\": \"/spec/services/3/loadBalancerSourceRanges\"}]");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            List<CheckStatus> now = topology().getStatus().getConnectivity().getChecks();
            assertThat(now).filteredOn(c -> c.getId().startsWith("lb-storefront-443-")).singleElement()
                    .satisfies(c -> assertThat(c.getResult()).as(c.getMessage()).isEqualTo(CheckStatus.Result.Passed));
            assertThat(now).allSatisfy(c -> assertThat(c.getResult()).as(c.getId() + ": " + c.getMessage()).isEqualTo(CheckStatus.Result.Passed));
        });
        System.out.println(cluster.kubectlOk("-n", "shop", "get", "ntopo", "shop"));
        assertThat(RealCluster.condition(topology(), "ConnectivityVerified")).isEqualTo("True");
        assertThat(topology().getStatus().getConnectivity().getSummary()).isEqualTo(checks.size() + "/" + checks.size() + " passed");
    }

    /**
     * The first probe run has finished: ConnectivityVerified True, or Unknown for checks failing fewer than
     * failureThreshold runs in a row (the default 2; an eTP=Local NodePort may still be on its way into kube-proxy's
     * rules in the first run).
     */
    static NetworkTopology awaitVerified() {
        try {
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(RealCluster.condition(topology(), "ConnectivityVerified")).matches("True|Unknown FailuresBelowThreshold: .*"));
        } catch (AssertionError e) {
            cluster.dumpState("shop");
            throw e;
        }
        return topology();
    }

    /** examples/hello.yaml, the quick start's first example, as it is: Ready=True with every path verified. */
    @Test
    void theHelloExampleIsReadyAndVerifiedAsItIs() {
        cluster.kubectlOk("apply", "-f", "examples/hello.yaml");
        try {
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                NetworkTopology hello = cluster.topology("hello", "hello");
                assertThat(RealCluster.condition(hello, "Ready")).isEqualTo("True");
                assertThat(RealCluster.condition(hello, "ConnectivityVerified")).isEqualTo("True");
            });
        } catch (AssertionError e) {
            cluster.dumpState("hello");
            throw e;
        }
        NetworkTopology hello = cluster.topology("hello", "hello");
        System.out.println(cluster.kubectlOk("get", "ntopo", "-n", "hello"));
        assertThat(hello.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready")).singleElement()
                .satisfies(c -> assertThat(c.getReason()).isEqualTo("AllPathsVerified"));
        List<CheckStatus> checks = hello.getStatus().getConnectivity().getChecks();
        checks.forEach(c -> System.out.println(c.getResult() + " | " + c.getId() + " | " + c.getTo() + " | " + c.getMessage()));
        assertThat(checks).extracting(CheckStatus::getId).anyMatch(id -> id.startsWith("svc-ip-hello-80"))
                .anyMatch(id -> id.startsWith("nodeport-hello-nodes-80-")).anyMatch(id -> id.startsWith("dns-a-hello-pods"));
        assertThat(checks).allSatisfy(c -> assertThat(c.getResult()).as(c.getId() + ": " + c.getMessage()).isEqualTo(CheckStatus.Result.Passed));
        cluster.kubectlOk("delete", "-f", "examples/hello.yaml", "--wait=true", "--timeout=120s");
    }

    /**
     * examples/shop-gateway.yaml, the shop with Gateway API routes, as it is (its backends those of the shop, in its own
     * namespace): Ready with every path verified, each route proven through the Gateway's listener.
     */
    @Test
    void theGatewayShopExampleIsReadyAndVerifiedAsItIs() throws Exception {
        String backends = java.nio.file.Files.readString(java.nio.file.Path.of("src/test/resources/cluster/shop-backends.yaml"))
                .replace("{name: shop}", "{name: shop-gateway}").replace("namespace: shop}", "namespace: shop-gateway}");
        io.networktopology.Processes.Result applied = cluster.kubectlIn(backends, "apply", "-f", "-");
        assertThat(applied.exitCode()).as(applied.err()).isZero();
        cluster.kubectlOk("apply", "-f", "examples/shop-gateway.yaml");
        try {
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                NetworkTopology shop = cluster.topology("shop-gateway", "shop");
                assertThat(RealCluster.condition(shop, "Ready")).isEqualTo("True");
                assertThat(shop.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready")).singleElement()
                        .satisfies(c -> assertThat(c.getReason()).isEqualTo("AllPathsVerified"));
            });
        } catch (AssertionError e) {
            cluster.dumpState("shop-gateway");
            throw e;
        }
        NetworkTopology shop = cluster.topology("shop-gateway", "shop");
        System.out.println(cluster.kubectlOk("get", "ntopo,httproute,tcproute", "-n", "shop-gateway", "-o", "wide"));
        shop.getStatus().getEntryPoints().forEach(e -> System.out.println(e.getKind() + " | " + e.getPath()));
        List<CheckStatus> checks = shop.getStatus().getConnectivity().getChecks();
        checks.stream().filter(c -> c.getId().matches("(http|tcp)route-.*"))
                .forEach(c -> System.out.println(c.getResult() + " | " + c.getId() + " | " + c.getTo() + " | " + c.getMessage()));
        assertThat(checks).extracting(CheckStatus::getId).contains("httproute-shop-https-shop.example.com/admin-X-Team",
                "httproute-shop-http-probe.tenants.example.com/", "tcproute-db-tcp-10.99.0.1");
        assertThat(checks).allSatisfy(c -> assertThat(c.getResult()).as(c.getId() + ": " + c.getMessage()).isEqualTo(CheckStatus.Result.Passed));
        cluster.kubectlOk("delete", "namespace", "shop-gateway", "--wait=false");
    }

    static NetworkTopology topology() {
        return cluster.topology("shop", "shop");
    }
}
