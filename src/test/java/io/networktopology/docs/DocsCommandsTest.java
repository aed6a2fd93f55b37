package io.networktopology.docs;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command in README.md and docs/*.md, read from the Markdown itself: the lines of {@code sh} blocks and the
 * {@code $ } lines of output blocks. Each is either run here (what the project can do offline: the binary's commands,
 * kustomize builds) and must succeed, or is set aside for a stated reason (it needs a cluster, it is the build that
 * runs these tests, it needs root and the real-node harness). A command that fits neither fails the test, so no
 * documented command goes unchecked by accident. Where the docs show the output of a {@code --help}, it must be the
 * output of today's binary.
 */
public class DocsCommandsTest {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final String BINARY = "java -jar target/quarkus-app/quarkus-run.jar";
    /** The demo module's jar, built after these tests (it needs the operator they test). */
    static final String TEST_COMMAND = "./mvnw -B install && ./mvnw -B -f demo test";
    public static final String DEMO = "java -jar demo/target/network-topology-demo.jar";

    /** A documented command: where it is, the command line, and the output shown under it (for {@code $ } lines). */
    public record Command(String file, int line, String text, List<String> shownOutput) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + text;
        }
    }

    /** Why a command is not run here; null when it is. */
    static String notRunBecause(String command) {
        if (command.matches("^([A-Z_][A-Z0-9_]*=\\S*\\s+)*(tools/|\\S*=\\$\\(tools/|export KUBECONFIG).*")) {
            return "the real-node harness: root, Go builds and a cluster on this machine (the real-node suites run it)";
        }
        String c = command.replaceFirst("^([A-Z_][A-Z0-9_]*=\\S*\\s+)+", ""); // leading VAR=value assignments
        if (c.startsWith("./mvnw")) {
            return "the build and the tests themselves (CI runs them)";
        }
        if (c.startsWith("kubectl kustomize")) {
            return null;
        }
        if (c.startsWith("kubectl ")) {
            return "needs a cluster";
        }
        if (c.startsWith("sudo tools/cluster/") || c.startsWith("tools/cluster/")) {
            return "the real-node cluster (root, minutes): the RealCluster* tests bring it up and down";
        }
        if (c.equals(BINARY) || c.startsWith(BINARY + " operator") && !c.contains("--help") || c.startsWith(BINARY + "  ")) {
            return "the operator: needs a cluster";
        }
        if (c.startsWith(BINARY + " probe --checks checks.json")) {
            return "needs the checks of a probe run (CliTest runs probe)";
        }
        if (c.startsWith(DEMO)) {
            return "the demo module, built after the operator's tests: its own tests run the demo (DemoTest), the benchmark"
                    + " (BenchmarkTest small, RealApiBenchmarkTest on the test control plane) and check its --help (DemoCliTest)";
        }
        if (c.startsWith(BINARY + " ") || c.startsWith("printf ") && c.contains(BINARY)) {
            return null;
        }
        throw new AssertionError("a documented command this test does not know: " + command
                + " (run it here, or give the reason it cannot run, in DocsCommandsTest.notRunBecause)");
    }

    public static List<Command> commands() throws IOException {
        List<Path> files = new ArrayList<>(List.of(PROJECT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(PROJECT.resolve("docs"))) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Command> commands = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String fence = null;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("```")) {
                    fence = fence == null ? line.substring(3).strip() : null;
                    continue;
                }
                if (fence == null) {
                    continue;
                }
                String name = PROJECT.relativize(file).toString();
                if (fence.equals("sh") || fence.equals("bash")) {
                    if (line.isBlank() || line.strip().startsWith("#")) {
                        continue;
                    }
                    StringBuilder text = new StringBuilder();
                    int first = i;
                    while (line.endsWith("\\") && i + 1 < lines.size()) {
                        text.append(line, 0, line.length() - 1).append(' ');
                        line = lines.get(++i).strip();
                    }
                    text.append(line);
                    commands.add(new Command(name, first + 1, withoutComment(text.toString()), List.of()));
                } else if (line.startsWith("$ ")) {
                    List<String> output = new ArrayList<>();
                    int first = i;
                    while (i + 1 < lines.size() && !lines.get(i + 1).startsWith("```") && !lines.get(i + 1).startsWith("$ ")) {
                        output.add(lines.get(++i));
                    }
                    commands.add(new Command(name, first + 1, withoutComment(line.substring(2)), output));
                }
            }
        }
        return commands;
    }

    /** The command without a trailing shell comment (# after whitespace, outside quotes). */
    static String withoutComment(String line) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && i > 0 && Character.isWhitespace(line.charAt(i - 1))) {
                return line.substring(0, i).strip();
            }
        }
        return line.strip();
    }

    @Test
    void theDocsHaveCommandsAndTheTestCommandIsTheReadmes() throws IOException {
        List<Command> commands = commands();
        assertThat(commands).hasSizeGreaterThan(20);
        assertThat(commands).filteredOn(c -> c.file().equals("README.md")).extracting(Command::text)
                .contains(TEST_COMMAND, "./mvnw -B -q install -DskipTests && ./mvnw -B -q -f demo package -DskipTests && " + DEMO);
        assertThat(Files.readString(PROJECT.resolve(".ci/run"))).contains("\n" + TEST_COMMAND + " || exit $?\n");
    }

    @TestFactory
    Stream<DynamicTest> everyOfflineCommandRuns() throws IOException {
        assertThat(PROJECT.resolve("target/quarkus-app/quarkus-run.jar")).as("the binary is built before the tests").exists();
        return commands().stream().filter(c -> notRunBecause(c.text()) == null)
                .map(c -> DynamicTest.dynamicTest(c.toString(), () -> run(c)));
    }

    /**
     * Every command not run here has a reason ({@link #notRunBecause} fails on one it does not know); of those, every
     * {@code kubectl apply -k DIR} / {@code kubectl delete -k DIR} names a kustomization that builds offline — an install
     * or uninstall command of the docs pointing at a folder that is gone or broken fails here, without a cluster.
     */
    @Test
    void everyCommandNotRunHasAReasonAndEveryKustomizationItNamesBuilds() throws Exception {
        List<String> reasons = new ArrayList<>();
        java.util.Set<String> kustomizations = new java.util.TreeSet<>();
        java.util.regex.Pattern applyK = java.util.regex.Pattern.compile("^kubectl (?:apply|delete) -k (\\S+)");
        for (Command command : commands()) {
            String reason = notRunBecause(command.text());
            if (reason != null) {
                reasons.add(command + "  -> not run: " + reason);
                java.util.regex.Matcher m = applyK.matcher(command.text());
                if (m.find()) {
                    kustomizations.add(m.group(1));
                }
            }
        }
        reasons.forEach(System.out::println);
        assertThat(kustomizations).as("install commands in the docs").contains("crds/", "kustomize/overlays/default");
        for (String dir : kustomizations) {
            Process build = new ProcessBuilder("kubectl", "kustomize", dir).directory(PROJECT.toFile()).redirectErrorStream(true).start();
            String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(build.waitFor(60, TimeUnit.SECONDS) && build.exitValue() == 0).as("kubectl kustomize " + dir + ": " + out).isTrue();
        }
    }

    private static void run(Command command) throws Exception {
        String text = command.text();
        boolean server = text.startsWith(BINARY + " echo ") && !text.contains("--help");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", text).directory(PROJECT.toFile()).redirectErrorStream(true);
        builder.environment().put("LANG", "C.UTF-8");
        Process process = builder.start();
        process.getOutputStream().close();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append(e);
            }
        });
        reader.start();
        boolean exited = process.waitFor(server ? 5 : 180, TimeUnit.SECONDS);
        if (!exited) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(10_000);
        if (server) {
            // A server runs until stopped: it must have started listening and still be running.
            assertThat(exited).as("%s exited:%n%s", command, output).isFalse();
            assertThat(output.toString()).as(command.toString()).contains("echo server for");
            return;
        }
        assertThat(exited).as("%s did not finish in 180 s", command).isTrue();
        assertThat(process.exitValue()).as("%s failed:%n%s", command, output).isZero();
        if (text.contains("--help") && !command.shownOutput().isEmpty()) {
            assertThat(output.toString().stripTrailing()).as("the output %s shows for %s", command.file(), text)
                    .isEqualTo(String.join("\n", command.shownOutput()).stripTrailing());
        }
    }

    /** The README's diagram is what render draws today for examples/shop.yaml, not a picture that drifts from it. */
    @Test
    void theReadmeDiagramIsRendersOutput() throws Exception {
        String readme = Files.readString(PROJECT.resolve("README.md"));
        int start = readme.indexOf("```mermaid\n");
        assertThat(start).as("a mermaid diagram in README.md").isPositive();
        String shown = readme.substring(start + "```mermaid\n".length(), readme.indexOf("```", start + 10));
        Process render = new ProcessBuilder("bash", "-c", BINARY + " render --format mermaid examples/shop.yaml")
                .directory(PROJECT.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String drawn = new String(render.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(render.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(shown).isEqualTo(drawn);
    }

    /** Guards the classification: every pattern the docs use is recognised. */
    /** Every class the architecture diagram names lives in a package the box names: the diagram matches the code. */
    @Test
    void theArchitectureDiagramNamesRealClassesInTheirPackages() throws IOException {
        String doc = Files.readString(PROJECT.resolve("docs/architecture.md"));
        String diagram = doc.substring(doc.indexOf("```mermaid"), doc.indexOf("```", doc.indexOf("```mermaid") + 3));
        java.util.regex.Matcher box = java.util.regex.Pattern.compile("\\[\\(?\"([A-Za-z ·]+)<br/>([a-z0-9. ·]+)\"").matcher(diagram);
        List<String> checked = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        while (box.find()) {
            List<String> packages = List.of(box.group(2).split(" · "));
            for (String type : box.group(1).split(" · ")) {
                boolean found = packages.stream().anyMatch(pkg -> Files.exists(PROJECT.resolve(
                        "src/main/java/io/networktopology/" + pkg.replace('.', '/') + "/" + type.trim() + ".java")));
                (found ? checked : missing).add(type.trim() + " in " + packages);
            }
        }
        assertThat(missing).as("classes the diagram names that are not in the packages it gives").isEmpty();
        assertThat(checked).as("boxes read from the diagram").hasSizeGreaterThan(15);
    }

    @Test
    void theClassificationKnowsTheDocsPatterns() {
        assertThat(notRunBecause("kubectl get ntopo -A")).isEqualTo("needs a cluster");
        assertThat(notRunBecause("NETWORKTOPOLOGY_PROBES_IMAGE=x:1 java -jar target/quarkus-app/quarkus-run.jar")).contains("needs a cluster");
        assertThat(notRunBecause(BINARY + " render examples/shop.yaml")).isNull();
        assertThat(notRunBecause("PATH=$(tools/control-plane/build.sh | tail -n1):$PATH")).contains("real-node harness");
        assertThat(notRunBecause("CONTAINERD=2 tools/cluster/up.sh")).contains("real-node harness");
        assertThat(Pattern.compile("x").matcher(withoutComment("render a.yaml   # comment")).find()).isFalse();
        assertThat(withoutComment("kubectl annotate x a=\"$(date +%s)\" # now")).isEqualTo("kubectl annotate x a=\"$(date +%s)\"");
    }
}
