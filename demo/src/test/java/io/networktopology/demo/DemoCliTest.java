package io.networktopology.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.networktopology.cli.CommandResult;
import io.networktopology.docs.DocsCommandsTest;


import static org.assertj.core.api.Assertions.assertThat;

/** The demo's command line follows the operator's conventions: help, one-line usage errors with exit 2. */
class DemoCliTest {

    private static CommandResult cli(String... args) {
        return CommandResult.run(DemoMain::execute, args);
    }

    /** --help shows the usage and does nothing else (the benchmark used to start its work). */
    @ParameterizedTest
    @ValueSource(strings = {"", "benchmark"})
    void everyCommandHasHelp(String command) {
        CommandResult result = command.isEmpty() ? cli("--help") : cli(command, "--help");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("Usage: network-topology-demo" + (command.isEmpty() ? "" : " " + command));
        assertThat(result.err()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "benchmark --nope               | benchmark: Unknown option: '--nope' (see --help)",
        "benchmark --topologies         | benchmark: Missing required parameter for option '--topologies' (N) (see --help)",
        "benchmark --topologies abc     | benchmark: Invalid value for option '--topologies': 'abc' is not an int (see --help)",
        "benchmark --topologies 0       | benchmark: --topologies must be at least 1, got 0 (see --help)",
        "benchmark --namespaces -3      | benchmark: --namespaces must be at least 1, got -3 (see --help)",
        "benchmark --kubeconfig /nope   | benchmark: --kubeconfig /nope: no such file (see --help)",
        "nope                           | network-topology-demo: Unmatched argument at index 0: 'nope' (see --help)",
    })
    void badOptionsAreOneLineAndExitTwo(String args, String message) {
        CommandResult result = cli(args.split(" "));
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).isEqualTo(message + "\n");
        assertThat(result.out()).isEmpty();
    }

    /** The render benchmark prints one line per size, each with its exit status, throughput and heap (nothing timed here). */
    @Test
    void renderBenchmarkPrintsItsFigures() {
        CommandResult result = cli("benchmark", "--render", "1");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out().lines().filter(l -> l.contains("topologies: exit 0 in")))
                .hasSize(3).allMatch(l -> l.matches(".*MB/s, +\\d+ topologies/s, peak heap +\\d+ MB"));
    }

    /** The microbenchmarks run (in this JVM, one short iteration each) and print a score for each hot path; nothing timed here. */
    @Test
    void theMicrobenchmarksPrintAScoreForEachHotPath() {
        CommandResult result = cli("benchmark", "--jmh", "--", "-f", "0", "-wi", "0", "-i", "1", "-r", "200ms");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).containsPattern("HotPaths.corefilePatch1000EntriesInto1000Lines +avgt( +\\d+)? +[\\d.,]+ +us/op")
                .contains("HotPaths.validate64Services", "HotPaths.statusOf64Services", "HotPaths.probePlanOf64Services");
    }

    /** The probe program is timed as the probe pods run it, without and with an AppCDS archive: four lines of figures. */
    @Test
    void probeStartPrintsTheFiguresOfEachVariant() {
        CommandResult result = cli("benchmark", "--probe-start", "--runs", "1");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out().lines().filter(l -> l.matches(" +(without an AppCDS archive|with one, as the probe pods run it \\(\\d+ MB\\)) +20 checks.*"
                + "median +\\d+ ms, worst +\\d+ ms, peak RSS +\\d+ MB"))).as(result.out()).hasSize(4);
    }

    /** Where the docs show the demo's --help (docs/cli.md), it is today's (the operator's DocsCommandsTest sets them aside). */
    @Test
    void theDocumentedHelpIsTodays() throws Exception {
        var shown = DocsCommandsTest.commands().stream()
                .filter(c -> c.text().startsWith(DocsCommandsTest.DEMO) && c.text().endsWith("--help") && !c.shownOutput().isEmpty()).toList();
        assertThat(shown).hasSize(2);
        for (var command : shown) {
            String[] args = command.text().substring(DocsCommandsTest.DEMO.length()).strip().split(" ");
            assertThat(cli(args).out().stripTrailing()).as(command.toString())
                    .isEqualTo(String.join("\n", command.shownOutput()).stripTrailing());
        }
    }
}
