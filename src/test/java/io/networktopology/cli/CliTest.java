package io.networktopology.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line as a new user meets it: help everywhere, one-line usage errors with exit 2, a version. */
class CliTest {

    private static CommandResult cli(String... args) {
        return CommandResult.run(Cli::execute, args);
    }

    /** --help shows the command's usage and does nothing else (echo and probe used to start their work). */
    @ParameterizedTest
    @ValueSource(strings = {"", "operator", "render", "probe", "echo"})
    void everyCommandHasHelp(String command) {
        CommandResult result = command.isEmpty() ? cli("--help") : cli(command, "--help");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("Usage: network-topology-operator" + (command.isEmpty() ? "" : " " + command));
        assertThat(result.err()).isEmpty();
    }

    @Test
    void versionNamesTheBuild() {
        CommandResult result = cli("--version");
        assertThat(result.code()).isZero();
        assertThat(result.out()).matches("(?s)network-topology-operator \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\nQuarkus \\d.*");
        assertThat(cli("render", "--version").out()).isEqualTo(result.out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "echo --port abc                | echo: Invalid value for option '--port': 'abc' is not an int (see --help)",
        "echo --port 70000              | echo: --port must be 1-65535, got 70000 (see --help)",
        "echo --bind somewhere          | echo: --bind needs an IP address, got 'somewhere' (see --help)",
        "probe --checks                 | probe: Missing required parameter for option '--checks' (FILE) (see --help)",
        "nope                           | network-topology-operator: Unmatched argument at index 0: 'nope' (see --help)",
        "demo                           | network-topology-operator: Unmatched argument at index 0: 'demo' (see --help)",
    })
    void badOptionsAreOneLineAndExitTwo(String args, String message) {
        CommandResult result = cli(args.split(" "));
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).isEqualTo(message + "\n");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void probeWithoutChecksSaysHowToGiveThem() {
        CommandResult result = cli("probe", "--checks", "/nonexistent/checks.json");
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("probe: cannot read the checks: /nonexistent/checks.json: no such file\n");
    }

    @Test
    void aBusyPortIsOneLineAndAFailure() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CommandResult result = cli("echo", "--bind", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()));
            assertThat(result.code()).isEqualTo(1);
            assertThat(result.err()).startsWith("echo: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": Address already in use");
            assertThat(result.err().lines()).hasSize(1);
        }
    }
}
