package io.networktopology.demo;

import io.networktopology.cluster.RealCluster;
import io.networktopology.cluster.RealClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code benchmark --probes} on the real two-node cluster (tools/cluster): 2 topologies, one steady probe interval,
 * or as many as {@code -Dbenchmark.probe.topologies=N} and {@code -Dbenchmark.probe.intervals=K} say (the figures in
 * docs/benchmarks.md were made so). Asserts what it must do, never how fast: the kubelets ran the probe pods, every
 * topology's runs reported and proved its connectivity, and the figures were printed.
 */
@ExtendWith(RealClusterExtension.class)
class RealNodesProbeBenchmarkTest {

    @Test
    void probePodsRunOnRealNodesAndTheirTimesArePrinted(RealCluster cluster) throws Exception {
        int topologies = Integer.getInteger("benchmark.probe.topologies", 2);
        int intervals = Integer.getInteger("benchmark.probe.intervals", 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProbeBenchmark.Result result = ProbeBenchmark.run(cluster.kubeconfig(), topologies, 20, "30s", intervals, ProbeBenchmark.DEFAULT_IMAGE,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertThat(result.verified()).as("topologies whose probes proved every path").isEqualTo(topologies);
        assertThat(result.podsCreated()).as("probe pods created in the steady window").isPositive();
        assertThat(out).contains("2 nodes", "== first runs: every topology's first probe run has reported after ")
                .containsPattern("== steady state over " + intervals + " probe intervals .* probe pods created, [\\d.]+ per minute; \\d+ API requests per probe interval")
                .containsPattern("client +\\d+ pods: scheduled [\\d.]+ / [\\d.]+ / [\\d.]+; container started [\\d.]+ / [\\d.]+ / [\\d.]+; report [\\d.]+ /")
                .containsPattern("echo +\\d+ pods: .*; Ready [\\d.]+ /")
                .contains("(the benchmark's namespaces are being deleted)");
    }
}
