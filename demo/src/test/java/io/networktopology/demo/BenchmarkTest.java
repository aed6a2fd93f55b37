package io.networktopology.demo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark runs end to end (a small N) and its resync writes nothing; its timings are printed, never asserted. */
class BenchmarkTest {

    @Test
    void aSmallRunCompletesAndTheResyncWritesNothing() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Benchmark.run(6, 2, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertThat(code).isZero();
        assertThat(out).contains("all 6 topologies Ready").contains("PATCH services").containsPattern("PUT networktopologies/status\\s+\\d+\\n")
                .containsPattern("resync with nothing changed .*, 0 writes")
                .containsPattern("one DNS change with 6 DNS topologies present: .* ConfigMap reads 0, writes 1 ")
                .containsPattern("== the operator's binary \\(target/quarkus-app/quarkus-run.jar, as its image runs it, in its Deployment's 512 MiB\\) started against the 6"
                        + " topologies: .* all \\d+ reconciled after .* heap used \\d+ MB after GC \\(committed \\d+ MB\\), non-heap committed \\d+ MB; RSS \\d+ MB, peak \\d+ MB");
    }
}
