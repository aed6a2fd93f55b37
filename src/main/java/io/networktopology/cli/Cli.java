package io.networktopology.cli;

import io.networktopology.probe.ProbeCommand;
import io.quarkus.runtime.Quarkus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The command line of the one binary: with no command it is the operator. Every command has {@code --help}; a bad
 * option or value is one line on standard error and exit status 2; {@code --version} prints the version.
 */
@Command(name = "network-topology-operator", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Declares cluster networking in one NetworkTopology resource and proves it works.%n"
                + "Without a command: runs the operator (kubeconfig or in-cluster config).",
        subcommands = {Cli.Operator.class, RenderCommand.class, Cli.Probe.class,
                Cli.Echo.class, CommandLine.HelpCommand.class})
public final class Cli implements Callable<Integer> {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    final PrintStream out;
    final PrintStream err;

    Cli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Parses {@code args} and runs the command; returns its exit status (the operator does not return). */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        return commandLine(new Cli(out, err), out, err).execute(args);
    }

    /** A command line for {@code root} with this binary's conventions: usage errors in one line (exit 2), failures in one (exit 1). */
    public static CommandLine commandLine(Object root, PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(root);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        line.setParameterExceptionHandler((e, ignored) -> {
            err.println(e.getCommandLine().getCommandName() + ": " + oneLine(e.getMessage()) + " (see --help)");
            return USAGE;
        });
        line.setExecutionExceptionHandler((e, command, ignored) -> {
            err.println(command.getCommandName() + ": " + oneLine(e.getMessage() != null ? e.getMessage() : e.toString()));
            return FAILED;
        });
        return line;
    }

    @Override
    public Integer call() {
        return new Operator().call();
    }

    public static String oneLine(String text) {
        return text.strip().lines().findFirst().orElse("");
    }

    /** The version of the build, with the versions of the frameworks it was built with. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Cli.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                }
            }
            return new String[] {"network-topology-operator " + p.getProperty("version", "unknown"),
                    "Quarkus " + p.getProperty("quarkus", "?") + ", Quarkus Operator SDK " + p.getProperty("operator-sdk", "?")
                            + ", Java " + Runtime.version()};
        }
    }

    @Command(name = "operator", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Runs the operator against the cluster in the kubeconfig or the in-cluster configuration "
                    + "(the default command). Configuration: application.properties keys or their environment variables.")
    static final class Operator implements Callable<Integer> {
        @Override
        public Integer call() {
            Quarkus.run(OperatorApplication.class); // returns only through System.exit
            return OK;
        }
    }

    @Command(name = "probe", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Runs connectivity checks and prints their report (what a probe pod runs). Exit status: 0 all "
                    + "passed, 1 some failed, 2 no or unreadable checks.")
    static final class Probe implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Option(names = "--checks", paramLabel = "FILE", description = "a JSON list of checks (default: the PROBE_CHECKS environment variable)")
        Path checks;
        @Option(names = "--train", description = "instead: every kind of check against an echo server of this process on loopback "
                + "(what the image build runs to make the probe pods' AppCDS archive)")
        boolean train;

        @Override
        public Integer call() throws java.io.IOException {
            return train ? ProbeCommand.train(cli.out) : ProbeCommand.probe(checks, cli.out, cli.err);
        }
    }

    @Command(name = "echo", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Answers each TCP connection with this pod's name, its address and the source address it saw "
                    + "(the probe pods' server). Runs until stopped.")
    static final class Echo implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Spec
        CommandSpec spec;
        @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "TCP port, 1-65535 (default ${DEFAULT-VALUE})")
        int port;
        @Option(names = "--bind", paramLabel = "ADDRESS", description = "listen on this address only (default: every address)")
        String bind;

        @Override
        public Integer call() throws Exception {
            if (port < 1 || port > 65535) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--port must be 1-65535, got " + port);
            }
            InetAddress address = null;
            if (bind != null) {
                if (!bind.matches("[0-9a-fA-F.:]+")) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--bind needs an IP address, got '" + bind + "'");
                }
                try {
                    address = InetAddress.getByName(bind);
                } catch (UnknownHostException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--bind needs an IP address, got '" + bind + "'");
                }
            }
            try {
                return ProbeCommand.echo(address, port);
            } catch (BindException e) {
                cli.err.println("echo: cannot listen on " + (bind == null ? "*" : bind) + ":" + port + ": " + e.getMessage());
                return FAILED;
            }
        }
    }
}
