package io.networktopology.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's scenario, run by the real operator against the embedded API, as the README's first command does. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class DemoTest {

    @Inject
    KubernetesClient client;

    @Test
    void demoReachesReadyPrintsTheResultAndShowsAHandEditReverted() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = DemoApplication.run(client, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        assertThat(out).containsPattern("shop\\s+5/5\\s+1/1\\s+True\\s+TopologyReady")
                .containsPattern("shop\\s+nginx\\s+shop\\.example\\.com,\\*\\.tenants\\.example\\.com\\s+203\\.0\\.113\\.\\d+\\s+80, 443")
                .contains("path: \"https://shop.example.com/ → ingress shop (class nginx, 203.0.113.")
                .contains("address: \"192.0.2.11:30080, 192.0.2.12:30080\"")
                .containsPattern("storefront\\s+LoadBalancer\\s+10\\.96\\.\\S+\\s+203\\.0\\.113\\.\\d+\\s+443:3\\d{4}/TCP,53:3\\d{4}/UDP")
                .containsPattern("payments\\s+ExternalName\\s+<none>\\s+payments\\.example\\.com")
                .contains("path: web.shop.svc.cluster.local:80 → ClusterIP 10.96.")
                .contains("the operator put targetPort back to 8080");
    }
}
