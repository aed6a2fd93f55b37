package io.networktopology.probe;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The probe program's entry points in the operator's image:
 * {@code probe [--checks FILE]} runs the checks (a JSON list; default from the PROBE_CHECKS environment variable),
 * prints the report and writes it where Kubernetes reads a container's termination message; exit 0 when every
 * check passed, 1 otherwise, 2 on bad input. {@code echo [--port N]} serves the echo protocol.
 */
public final class ProbeCommand {

    public static final String TERMINATION_LOG = "/dev/termination-log";

    private ProbeCommand() {
    }

    /** Runs the checks in {@code checksFile} (null: the PROBE_CHECKS environment variable). */
    public static int probe(Path checksFile, PrintStream out, PrintStream err) {
        String text;
        try {
            if (checksFile != null) {
                text = Files.readString(checksFile, StandardCharsets.UTF_8);
            } else {
                text = System.getenv("PROBE_CHECKS");
            }
            if (text == null || text.isBlank()) {
                err.println("probe: no checks (use --checks FILE or the PROBE_CHECKS environment variable)");
                return 2;
            }
        } catch (IOException e) {
            err.println("probe: cannot read the checks: " + checksFile + ": "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
            return 2;
        }
        List<ProbeCheck> checks;
        try {
            checks = new ObjectMapper().readValue(text, new TypeReference<List<ProbeCheck>>() { });
        } catch (IOException e) {
            err.println("probe: the checks are not a JSON list of checks: " + e.getMessage().lines().findFirst().orElse(""));
            return 2;
        }
        List<ProbeResult> results = ProbeRunner.run(checks);
        String report = ProbeRunner.report(results);
        out.println(report);
        // Kubernetes mounts the termination-log file into the container; outside a pod only an explicit file is written.
        String target = System.getenv().getOrDefault("PROBE_REPORT_FILE", TERMINATION_LOG);
        Path file = Path.of(target);
        if (System.getenv("PROBE_REPORT_FILE") != null || Files.isWritable(file)) {
            try {
                Files.writeString(file, report, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("probe: could not write the report to " + target + ": " + e.getMessage());
            }
        }
        return results.stream().allMatch(ProbeResult::passed) ? 0 : 1;
    }

    /** Serves the echo protocol on {@code bind} (null: every address) and {@code port} until the process is stopped. */
    public static int echo(java.net.InetAddress bind, int port) throws IOException, InterruptedException {
        String pod = System.getenv().getOrDefault("POD_NAME", java.net.InetAddress.getLocalHost().getHostName());
        // Stopped by SIGTERM when its run is over: that is the end of its job, not a failure. Without this the JVM exits
        // with 143 and kubectl shows the run's echo pods as Error while they are deleted. Only once it listens: a port
        // it cannot have is a failure.
        EchoServer.serve(bind, port, pod, () -> Runtime.getRuntime().addShutdownHook(new Thread(() -> Runtime.getRuntime().halt(0))));
        return 0;
    }
}
