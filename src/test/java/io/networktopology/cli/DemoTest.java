package io.networktopology.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.networktopology.EmbeddedApi;
import io.quarkus.test.common.QuarkusTestResource;
import jakarta.inject.Inject;
import io.networktopology.api.v1alpha1.NetworkTopology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The demo's scenario, run by the real operator against the embedded API, as the README's first command does. */
@QuarkusTest
@QuarkusTestResource(EmbeddedApi.class)
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
                .contains("the operator put targetPort back to 8080")
                .contains("    rewrite stop name exact www.shop.internal. web.shop.svc.cluster.local.\n")
                .contains("legacy-db.shop.internal:53 3.2.1.10.in-addr.arpa:53 {");
    }

    @AfterEach
    void removeTheDemoTopology() {
        // Its DNS entries are cluster-wide: other test classes must not see them.
        client.resources(NetworkTopology.class).inNamespace("shop").withName("shop").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.resources(NetworkTopology.class).inNamespace("shop").withName("shop").get() == null);
        client.services().inNamespace("shop").delete();
        client.network().v1().ingresses().inNamespace("shop").delete();
    }
}
