package io.networktopology.demo;

import io.networktopology.controlplane.ControlPlane;
import io.networktopology.controlplane.RealControlPlaneExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark against the real API server of the test control plane: 100 topologies, or as many as
 * {@code -Dbenchmark.topologies=N} says (the figures at 1,000 and 10,000 in docs/benchmarks.md were made so). Asserts what it must do, never how fast: every topology becomes Ready, the operator's
 * requests are counted, and a fresh operator's resync with nothing changed writes nothing.
 */
@ExtendWith(RealControlPlaneExtension.class)
class RealApiBenchmarkTest {

    @Test
    void onTheRealApiServerEveryTopologyBecomesReadyAndAResyncWritesNothing(ControlPlane plane) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int topologies = Integer.getInteger("benchmark.topologies", 100);
        // Printed as it goes too: a long run that fails late still shows the phases it measured.
        java.io.OutputStream both = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
                System.out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bytes.write(b, off, len);
                System.out.write(b, off, len);
            }
        };
        int code = Benchmark.run(topologies, Math.max(4, topologies / 50), plane.kubeconfig(), new PrintStream(both, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(out).contains("real API server https://127.0.0.1:", "== apply: all " + topologies + " topologies Ready in ")
                .containsPattern("PATCH services +" + topologies * 5 + "\\n").containsPattern("PUT networktopologies/status +\\d+\\n")
                .containsPattern("== resync with nothing changed .*, 0 writes \\(goal: 0\\)")
                .contains("== DNS: an alias added to each of the " + topologies + " topologies")
                .contains("== one DNS change with " + topologies + " DNS topologies present: in the Corefile after ")
                .contains("(the benchmark's namespaces are being deleted)");
    }
}
