package io.networktopology.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.networktopology.cli.RenderCommandTest.render;
import static org.assertj.core.api.Assertions.assertThat;

/** render --format mermaid|dot: what a topology becomes, drawn; a live topology's probe results colour it. */
class TopologyDiagramTest {

    @TempDir
    Path dir;

    /** A live topology, as kubectl get -o yaml prints it: a check of the web Service passed, one of the admin NodePort failed. */
    private Path live() throws Exception {
        Path file = dir.resolve("live.yaml");
        Files.writeString(file, """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: networktopology.io/v1alpha1
                  kind: NetworkTopology
                  metadata: {name: shop, namespace: shop, uid: 0b5e, resourceVersion: "42", generation: 3}
                  spec:
                    services:
                    - {name: web, selector: {app: web}, ports: [{name: http, port: 80, targetPort: 8080}]}
                    - {name: admin, type: NodePort, selector: {app: admin}, ports: [{port: 8080, nodePort: 30080}]}
                  status:
                    observedGeneration: 3
                    connectivity:
                      summary: 2/3 passed
                      checks:
                      - {id: svc-ip-web-80, path: PodToService, result: Passed, consecutiveFailures: 0}
                      - {id: svc-name-web-80-from-node2, path: PodToService, result: Passed, consecutiveFailures: 0}
                      - {id: nodeport-admin-8080-node1, path: NodePort, result: Failed, consecutiveFailures: 2, message: refused}
                """);
        return file;
    }

    @Test
    void mermaidDrawsEntryPointsServicesPodsAndDnsOfTheExample() {
        RenderCommandTest.Result result = render("--format", "mermaid", "examples/shop.yaml");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("flowchart LR\n")
                .contains("svc_web[\"web<br/>ClusterIP :80\"]", "pods_app_web[\"pods app=web\"]", "svc_web -->|\":8080\"| pods_app_web",
                        "ing_shop_shop_example_com_admin[\"https://shop.example.com/admin<br/>ingress shop, class nginx\"]",
                        "np_admin_8080_TCP[\"every node :30080/TCP\"]", "svc_db -.->|\"A records\"| pods_app_db",
                        "svc_payments -.->|\"CNAME\"| ext_payments_example_com", "alias_www_shop_internal -.->|\"answers as\"| svc_web")
                .doesNotContain(":::passed", ":::failed");
    }

    @Test
    void gatewayApiRoutesAreEntryPointsToTheirBackends() throws Exception {
        RenderCommandTest.Result result = render("--format", "mermaid", "examples/shop-gateway.yaml");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("httproute_shop[\"shop.example.com, *.tenants.example.com<br/>HTTPRoute shop<br/>Gateway"
                        + " traefik/shared/http, traefik/shared/https\"]", "httproute_shop -->|\":http\"| svc_web",
                "httproute_shop -->|\":80\"| svc_web_canary", "tcproute_db -->|\":5432\"| svc_db");
        RenderCommandTest.Result dot = render("--format", "dot", "examples/shop-gateway.yaml");
        Path file = dir.resolve("gateway.dot");
        Files.writeString(file, dot.out());
        Process graphviz = new ProcessBuilder("dot", "-Tsvg", file.toString()).redirectErrorStream(true).start();
        String svg = new String(graphviz.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(graphviz.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(graphviz.exitValue()).as(svg).isZero();
        assertThat(svg).contains("HTTPRoute shop", "TCPRoute db").doesNotContain("Warning", "Error");
    }

    @Test
    void aLiveTopologyIsColouredByItsProbeResults() throws Exception {
        RenderCommandTest.Result result = render("--format", "mermaid", live().toString());
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("svc_web[\"web<br/>ClusterIP :80\"]:::passed", "np_admin_8080_TCP[\"every node :30080/TCP\"]:::failed")
                .contains("svc_admin[\"admin<br/>NodePort :8080\"]\n");
    }

    /** Graphviz (Debian's graphviz) accepts the DOT and draws every service; the live colours reach the SVG. */
    @Test
    void dotIsValidForGraphviz() throws Exception {
        for (Path input : List.of(Path.of("examples/shop.yaml"), live())) {
            RenderCommandTest.Result result = render("--format", "dot", input.toString());
            assertThat(result.code()).as(result.err()).isZero();
            Path dot = dir.resolve("topology.dot");
            Files.writeString(dot, result.out());
            Process graphviz = new ProcessBuilder("dot", "-Tsvg", dot.toString()).redirectErrorStream(true).start();
            String svg = new String(graphviz.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(graphviz.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(graphviz.exitValue()).as(svg).isZero();
            assertThat(svg).startsWith("<?xml").contains("<svg").doesNotContain("Warning", "Error");
            if (input.toString().endsWith("shop.yaml")) {
                assertThat(svg).contains("ClusterIP :80", "Headless :5432", "LoadBalancer :443 :53/UDP", "ExternalName",
                        "https://shop.example.com/admin", "alias www.shop.internal");
            } else {
                assertThat(svg).contains("fill=\"#d4edda\"", "fill=\"#f8d7da\"");
            }
        }
    }

    @Test
    void corefileAndADiagramDoNotGoTogether() {
        RenderCommandTest.Result result = render("--format", "dot", "--corefile", "examples/Corefile", "examples/shop.yaml");
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("render: --corefile prints a Corefile: it does not go with --format dot (see --help)\n");
    }
}
