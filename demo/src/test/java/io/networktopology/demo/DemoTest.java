package io.networktopology.demo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's first command: the operator against the embedded API, the example applied, the result printed. */
class DemoTest {

    @Test
    void demoReachesReadyPrintsTheResultAndShowsAHandEditReverted() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = DemoMain.execute(new PrintStream(bytes, true, StandardCharsets.UTF_8), System.err);
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
}
