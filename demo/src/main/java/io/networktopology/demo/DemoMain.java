package io.networktopology.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.networktopology.cli.Cli;
import io.networktopology.config.OperatorConfig;
import io.networktopology.dns.DnsSettings;
import io.networktopology.embedded.EmbeddedKubernetes;
import io.networktopology.probe.ProbeSettings;
import io.networktopology.reconciler.NetworkTopologyReconciler;
import io.networktopology.reconciler.PlainOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code java -jar demo/target/network-topology-demo.jar}: the operator's reconciler, configured from the operator's
 * own application.properties and run by JOSDK, against the embedded API, with the example topology. {@code benchmark}
 * measures it at N topologies against the embedded API or any kubeconfig.
 */
@Command(name = "network-topology-demo", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Runs the operator against an embedded Kubernetes API (no cluster needed) with examples/shop.yaml "
                + "and prints what the topology became.",
        subcommands = {DemoMain.BenchmarkCommand.class, CommandLine.HelpCommand.class})
public final class DemoMain implements Callable<Integer> {

    final PrintStream out;

    DemoMain(PrintStream out) {
        this.out = out;
    }

    public static void main(String... args) {
        // The demo prints its own story: the frameworks' INFO lines would drown it (warnings still show).
        System.setProperty("java.util.logging.manager", System.getProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager"));
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.setOut(out);
        System.setErr(err);
        int code = execute(out, err, args);
        out.flush();
        System.exit(code);
    }

    static int execute(PrintStream out, PrintStream err, String... args) {
        return Cli.commandLine(new DemoMain(out), out, err).execute(args);
    }

    @Override
    public Integer call() {
        return demo(out);
    }

    /** Starts the embedded API and the operator, plays the scenario, stops both. */
    static int demo(PrintStream out) {
        try (EmbeddedKubernetes api = EmbeddedKubernetes.start(); KubernetesClient client = api.client()) {
            EmbeddedKubernetes.installCrd(client);
            Operator operator = PlainOperator.start(api.client(), reconciler());
            try {
                return Demo.run(client, out);
            } finally {
                operator.stop();
            }
        }
    }

    /** The reconciler as the operator's application.properties configures it (probes on: the pods are shown, never run). */
    static NetworkTopologyReconciler reconciler() {
        OperatorConfig config = OperatorConfig.read(Map.of(), true);
        return new NetworkTopologyReconciler(config, DnsSettings.from(config), ProbeSettings.from(config, null, null), new SimpleMeterRegistry());
    }

    @Command(name = "benchmark", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
            description = "Applies N topologies (five Services each) to an embedded API, or a real one (--kubeconfig), and prints "
                    + "the time until all are Ready against a plain client's floor, the operator's API requests, heap and RSS, and "
                    + "what a resync with nothing changed costs.")
    static final class BenchmarkCommand implements Callable<Integer> {
        @ParentCommand
        DemoMain main;
        @Spec
        CommandSpec spec;
        @Option(names = "--topologies", paramLabel = "N", description = "topologies to apply (default 1000; 10 with --probes)")
        Integer topologies;
        @Option(names = "--namespaces", paramLabel = "M", defaultValue = "20", description = "namespaces to spread them over (default ${DEFAULT-VALUE})")
        int namespaces;
        @Option(names = "--kubeconfig", paramLabel = "FILE", description = "run against the real API server of this kubeconfig "
                + "instead of the embedded one (namespaces bench-N and floor-N are created, then deleted)")
        Path kubeconfig;
        @Option(names = "--probes", description = "instead: connectivity probes at N topologies on a cluster with real nodes "
                + "(needs --kubeconfig): time until every first run reported, probe pods per minute and API requests per probe interval, "
                + "probe pod created -> scheduled -> started -> report (namespaces probe-bench-N are created, then deleted)")
        boolean probes;
        @Option(names = "--probe-interval", paramLabel = "DURATION", defaultValue = "30s",
                description = "with --probes: the topologies' spec.probes.interval (default ${DEFAULT-VALUE})")
        String probeInterval;
        @Option(names = "--intervals", paramLabel = "K", defaultValue = "4",
                description = "with --probes: probe intervals of steady state to measure (default ${DEFAULT-VALUE})")
        int intervals;
        @Option(names = "--probe-image", paramLabel = "IMAGE", defaultValue = ProbeBenchmark.DEFAULT_IMAGE,
                description = "with --probes: the operator's image, for the probe pods and the backends (default ${DEFAULT-VALUE}, "
                        + "what tools/cluster builds)")
        String probeImage;
        @Option(names = "--render", paramLabel = "MB", description = "instead: time render on 1/4, 1/2 and all of MB megabytes of "
                + "topologies (copies of examples/shop.yaml) and print time, throughput and heap")
        Integer renderMegabytes;
        @Option(names = "--probe-start", description = "instead: time the probe program from JVM start to report, as the probe pods "
                + "run it, without and with an AppCDS archive")
        boolean probeStart;
        @Option(names = "--runs", paramLabel = "K", defaultValue = "5", description = "with --probe-start: runs of each (default ${DEFAULT-VALUE})")
        int runs;
        @Option(names = "--operator-jar", paramLabel = "JAR", defaultValue = "target/quarkus-app/quarkus-run.jar",
                description = "with --probe-start: the operator's binary (default ${DEFAULT-VALUE})")
        Path operatorJar;
        @Option(names = "--jmh", description = "instead: JMH microbenchmarks of the hot pure code (Corefile patch, validation, status, "
                + "probe plan; one fork, a few seconds each); extra JMH options after --")
        boolean jmh;
        @picocli.CommandLine.Parameters(paramLabel = "JMH-OPTION", description = "with --jmh: options for JMH (e.g. -wi 1 -i 2)")
        java.util.List<String> jmhOptions = new java.util.ArrayList<>();

        @Override
        public Integer call() throws Exception {
            int n = topologies != null ? topologies : probes ? 10 : 1000;
            atLeast("--topologies", n, 1);
            atLeast("--namespaces", namespaces, 1);
            if (jmh) {
                java.util.List<String> args = new java.util.ArrayList<>(jmhOptions);
                args.add(HotPaths.class.getName());
                org.openjdk.jmh.runner.options.CommandLineOptions options;
                try {
                    options = new org.openjdk.jmh.runner.options.CommandLineOptions(args.toArray(String[]::new));
                } catch (org.openjdk.jmh.runner.options.CommandLineOptionException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "JMH: " + e.getMessage());
                }
                new org.openjdk.jmh.runner.Runner(options, org.openjdk.jmh.runner.format.OutputFormatFactory.createFormatInstance(main.out,
                        options.verbosity().orElse(org.openjdk.jmh.runner.options.VerboseMode.NORMAL))).run();
                return Cli.OK;
            }
            if (!jmhOptions.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "JMH options need --jmh, got " + jmhOptions);
            }
            if (probeStart) {
                atLeast("--runs", runs, 1);
                return ProbeStartBenchmark.run(operatorJar, runs, main.out);
            }
            if (renderMegabytes != null) {
                atLeast("--render", renderMegabytes, 1);
                return RenderBenchmark.run(renderMegabytes, main.out);
            }
            if (kubeconfig != null && !Files.isRegularFile(kubeconfig)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--kubeconfig " + kubeconfig + ": no such file");
            }
            if (probes) {
                if (kubeconfig == null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--probes needs --kubeconfig: a cluster whose kubelets run the probe pods");
                }
                atLeast("--intervals", intervals, 1);
                ProbeBenchmark.run(kubeconfig, n, namespaces, probeInterval, intervals, probeImage, main.out);
                return Cli.OK;
            }
            return Benchmark.run(n, namespaces, kubeconfig, main.out);
        }

        private void atLeast(String option, int value, int minimum) {
            if (value < minimum) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + " must be at least " + minimum + ", got " + value);
            }
        }
    }
}
