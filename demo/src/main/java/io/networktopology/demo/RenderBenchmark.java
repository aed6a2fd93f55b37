package io.networktopology.demo;

import io.networktopology.cli.RenderCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code benchmark --render MB}: render on a quarter, a half and all of MB megabytes of topologies (copies of the
 * shop example under other names), each run after a warm-up, printing the time, the throughput and the peak heap.
 * Linear means the throughput stays level as the input grows. Numbers are printed, never asserted.
 */
final class RenderBenchmark {

    private RenderBenchmark() {
    }

    static int run(int megabytes, PrintStream out) throws IOException {
        String example;
        try (InputStream in = RenderBenchmark.class.getResourceAsStream(Demo.EXAMPLE)) {
            example = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        out.printf(Locale.ROOT, "render benchmark: copies of %s, %d CPUs, max heap %d MB%n", Demo.EXAMPLE,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        Path dir = Files.createTempDirectory("render-benchmark");
        try {
            Path warmup = dir.resolve("warmup.yaml");
            write(warmup, example, 512 * 1024);
            render(warmup); // JIT and class loading out of the figures
            for (long size : List.of(megabytes * (1L << 20) / 4, megabytes * (1L << 20) / 2, megabytes * (1L << 20))) {
                Path file = dir.resolve("topologies.yaml");
                int topologies = write(file, example, size);
                System.gc();
                ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
                long start = System.nanoTime();
                int code = render(file);
                double seconds = (System.nanoTime() - start) / 1e9;
                long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                        .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
                double mb = Files.size(file) / (double) (1 << 20);
                out.printf(Locale.ROOT, "  %6.2f MB, %5d topologies: exit %d in %6.2f s = %6.2f MB/s, %7.0f topologies/s, peak heap %4d MB%n",
                        mb, topologies, code, seconds, mb / seconds, topologies / seconds, peak >> 20);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
        return 0;
    }

    private static int render(Path file) {
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        return RenderCommand.run(List.of(file.toString()), discard, discard);
    }

    /** Copies of the example, each under its own name, until the file has {@code bytes}; returns how many. */
    private static int write(Path file, String example, long bytes) throws IOException {
        StringBuilder text = new StringBuilder();
        int count = 0;
        while (text.length() < bytes) {
            text.append("---\n").append(example.replaceFirst("\n  name: shop\n", "\n  name: shop-" + count + "\n"));
            count++;
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return count;
    }
}
