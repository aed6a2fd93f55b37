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
    private static final TypeReference<List<ProbeCheck>> CHECKS = new TypeReference<>() { };

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
        return run(text, out, err);
    }

    /** Parses the checks (JSON), runs them, prints the report and, in a pod, writes it where Kubernetes reads it. */
    private static int run(String text, PrintStream out, PrintStream err) {
        List<ProbeCheck> checks;
        try {
            checks = new ObjectMapper().readValue(text, CHECKS);
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

    /**
     * {@code probe --train}: every kind of check, through the same JSON and runner as a probe pod, against an echo
     * server of this process on loopback — the tcp, echo and endpoints checks pass, the http, https and DNS ones fail
     * fast (the echo server speaks neither; no DNS server listens). The image build runs it with
     * {@code -XX:ArchiveClassesAtExit}, so that the probe and echo pods' JVMs start from an AppCDS archive of the
     * classes it loaded. Exit 0 when the passing ones passed.
     */
    public static int train(PrintStream out) throws IOException {
        try (EchoServer server = new EchoServer(java.net.InetAddress.getLoopbackAddress(), 0, "train");
             java.net.DatagramSocket silentDns = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            String local = "127.0.0.1";
            int port = server.port();
            List<ProbeCheck> passing = List.of(ProbeCheck.tcp("train-tcp", local, port),
                    ProbeCheck.echo("train-echo", local, port, local, 1, 2),
                    ProbeCheck.endpoints("train-endpoints", List.of(local + ":" + port)));
            List<ProbeCheck> failing = List.of(ProbeCheck.http("train-http", local, port, "/", "train.local").withTimeoutMs(1000),
                    ProbeCheck.http("train-https", local, port, "/", "train.local").withScheme("https").withTimeoutMs(1000),
                    ProbeCheck.dns("train-dns", local + ":" + silentDns.getLocalPort(), "kubernetes.default.svc.cluster.local", "A",
                            List.of()).withTimeoutMs(300));
            List<ProbeCheck> all = new java.util.ArrayList<>(passing);
            all.addAll(failing);
            List<ProbeResult> results = ProbeRunner.run(new ObjectMapper().readValue(new ObjectMapper().writeValueAsString(all), CHECKS));
            ProbeRunner.report(results);
            List<String> passed = results.stream().filter(ProbeResult::passed).map(ProbeResult::id).toList();
            List<String> expected = passing.stream().map(ProbeCheck::id).toList();
            out.println("probe --train: " + all.size() + " checks run, passed " + passed + " (expected " + expected + ")");
            return passed.containsAll(expected) ? 0 : 1;
        }
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
