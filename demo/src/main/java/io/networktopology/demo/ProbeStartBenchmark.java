package io.networktopology.demo;

import io.networktopology.probe.ProbeCheck;
import io.networktopology.probe.ProbeSettings;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code benchmark --probe-start}: what a probe pod's container costs from the JVM's start to its report — the
 * operator's binary run as the probe pods run it (their default command), on loopback checks, without and with an
 * AppCDS archive made by a training run. Prints the median and worst wall time and the peak RSS (VmHWM from /proc) of
 * each; never asserts them. What the kubelet adds (image, sandbox, container start) is not in these figures.
 */
final class ProbeStartBenchmark {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private ProbeStartBenchmark() {
    }

    static int run(Path operatorJar, int runs, PrintStream out) throws Exception {
        if (!Files.isRegularFile(operatorJar)) {
            throw new IllegalArgumentException("the operator's binary " + operatorJar + " is not built (./mvnw -B -q install -DskipTests)");
        }
        Path dir = Files.createTempDirectory("probe-start");
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket answering = new ServerSocket(0, 200, LOOPBACK); ServerSocket silent = new ServerSocket(0, 200, LOOPBACK)) {
            serve(answering, held, false);
            serve(silent, held, true);
            List<ProbeCheck> quick = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                quick.add(ProbeCheck.tcp("quick-" + i, "127.0.0.1", answering.getLocalPort()));
            }
            List<ProbeCheck> hanging = new ArrayList<>(quick.subList(0, 15));
            for (int i = 0; i < 5; i++) {
                hanging.add(ProbeCheck.http("hanging-" + i, "127.0.0.1", silent.getLocalPort(), "/", "x").withTimeoutMs(1000));
            }
            Path quickFile = write(dir.resolve("quick.json"), quick);
            Path hangingFile = write(dir.resolve("hanging.json"), hanging);
            // The probe pods' command with this jar, and without the image's archive (a JVM without the file would also run
            // without the JDK's own class data): "with" makes one here as the image build does, by `probe --train`.
            List<String> command = new ArrayList<>();
            for (String part : ProbeSettings.DEFAULT_COMMAND) {
                if (!part.equals("-XX:SharedArchiveFile=" + ProbeSettings.CDS_ARCHIVE)) {
                    command.add(part.equals("/deployments/quarkus-run.jar") ? operatorJar.toString() : part);
                }
            }
            Path archive = dir.resolve("probe.jsa");
            List<String> training = withFlag(command, "-XX:ArchiveClassesAtExit=" + archive);
            training.addAll(List.of("probe", "--train"));
            exec(training);
            out.printf(Locale.ROOT, "probe program start → report: %s, %d runs each, %d CPUs (the probe pods' command: %s)%n",
                    operatorJar, runs, Runtime.getRuntime().availableProcessors(), String.join(" ", ProbeSettings.DEFAULT_COMMAND));
            for (String variant : List.of("without an AppCDS archive", "with one, as the probe pods run it (" + Files.size(archive) / (1 << 20) + " MB)")) {
                List<String> base = variant.startsWith("with one") ? withFlag(command, "-XX:SharedArchiveFile=" + archive) : command;
                for (Path checks : List.of(quickFile, hangingFile)) {
                    List<String> line = new ArrayList<>(base);
                    line.addAll(List.of("probe", "--checks", checks.toString()));
                    exec(line); // warm the page cache
                    List<Long> millis = new ArrayList<>();
                    long peakKb = 0;
                    for (int i = 0; i < runs; i++) {
                        long[] run = exec(line);
                        millis.add(run[0]);
                        peakKb = Math.max(peakKb, run[1]);
                    }
                    Collections.sort(millis);
                    out.printf(Locale.ROOT, "  %-44s %-38s median %5d ms, worst %5d ms, peak RSS %4d MB%n", variant,
                            checks == quickFile ? "20 checks that answer:" : "20 checks, 5 hanging on a 1 s timeout:",
                            millis.get(millis.size() / 2), millis.get(millis.size() - 1), peakKb / 1024);
                }
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
        return 0;
    }

    private static List<String> withFlag(List<String> command, String flag) {
        List<String> with = new ArrayList<>(command);
        with.add(1, flag);
        return with;
    }

    /** Accepts connections on a daemon thread: closes them at once, or holds them without a word (a hanging server). */
    private static void serve(ServerSocket server, List<Socket> held, boolean hold) {
        Thread thread = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    if (hold) {
                        held.add(socket);
                    } else {
                        socket.close();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "probe-start-server");
        thread.setDaemon(true);
        thread.start();
    }

    private static Path write(Path file, List<ProbeCheck> checks) throws IOException {
        Files.writeString(file, new ObjectMapper().writeValueAsString(checks));
        return file;
    }

    /** Runs the command; returns its wall time in ms and its peak RSS in KB (VmHWM, read from /proc while it runs). */
    private static long[] exec(List<String> command) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long peakKb = 0;
        while (!process.waitFor(5, TimeUnit.MILLISECONDS)) {
            peakKb = Math.max(peakKb, Benchmark.procStatusKb(String.valueOf(process.pid()), "VmHWM"));
        }
        return new long[] {(System.nanoTime() - start) / 1_000_000, peakKb};
    }
}
