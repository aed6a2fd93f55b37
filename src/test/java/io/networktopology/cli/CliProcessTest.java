package io.networktopology.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged binary (target/quarkus-app, built before the tests) as a user's shell runs it: no locale at all, the
 * operator's configuration from environment variables, the live Corefile piped in.
 */
class CliProcessTest {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    /** Runs the jar with only PATH (and {@code env}) in its environment: no LANG, no LC_ALL, so Java's default charset is ASCII. */
    private static Run run(Map<String, String> env, byte[] stdin, String... args) throws IOException, InterruptedException {
        return run(List.of(), env, stdin, args);
    }

    private static Run run(List<String> jvmOptions, Map<String, String> env, byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin");
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().write(stdin);
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /**
     * What the image build does for the probe pods (tools/cluster/images.sh, Dockerfile.jvm): {@code probe --train}
     * passes its loopback checks, and the AppCDS archive its JVM leaves behind is one the probe program's JVM maps —
     * with {@code -Xshare:on} a JVM that cannot use the archive refuses to start.
     */
    @Test
    void theTrainingRunMakesAnArchiveTheProbeProgramStartsFrom() throws Exception {
        Path archive = dir.resolve("probe.jsa");
        Run train = run(List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"), Map.of(), new byte[0],
                "probe", "--train");
        assertThat(train.code()).as(train.err()).isZero();
        assertThat(train.out()).contains("probe --train: 6 checks run, passed [train-tcp, train-echo, train-endpoints]");
        assertThat(archive).isRegularFile();
        try (java.net.ServerSocket listening = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Path checks = dir.resolve("checks.json");
            Files.writeString(checks, "[{\"type\":\"tcp\",\"id\":\"up\",\"host\":\"127.0.0.1\",\"port\":" + listening.getLocalPort() + "}]");
            Run probe = run(List.of("-Xshare:on", "-XX:SharedArchiveFile=" + archive), Map.of(), new byte[0], "probe", "--checks", checks.toString());
            assertThat(probe.code()).as(probe.out() + probe.err()).isZero();
            assertThat(probe.out()).contains("\"id\":\"up\",\"r\":\"P\"");
        }
    }

    @Test
    void unicodeSurvivesAMachineWithoutLocale() throws Exception {
        Path file = dir.resolve("unicode.yaml");
        Files.writeString(file, """
                apiVersion: networktopology.io/v1alpha1
                kind: NetworkTopology
                metadata: {name: shop, namespace: shop}
                spec:
                  services:
                  - name: web
                    ports: [{port: 80}]
                  - name: café
                    ports: [{port: 80}]
                """);
        Run run = run(Map.of(), new byte[0], "render", file.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("Invalid value: \"café\"").doesNotContain("caf?");
        Run ok = run(Map.of(), new byte[0], "render", "examples/shop.yaml");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("# NetworkTopology shop/shop → Service web").doesNotContain(" ? Service");
    }

    /** render --corefile reads the operator's settings from the same environment variables, and the live Corefile from stdin. */
    @Test
    void corefilePreviewHonoursTheOperatorsConfigurationAndStandardInput() throws Exception {
        Path file = dir.resolve("stub.yaml");
        Files.writeString(file, """
                apiVersion: networktopology.io/v1alpha1
                kind: NetworkTopology
                metadata: {name: corp, namespace: shop}
                spec:
                  dns:
                    stubDomains:
                    - {domain: corp.example, upstreams: [10.0.0.53]}
                """);
        byte[] corefile = Files.readAllBytes(Path.of("examples/Corefile"));
        Run refused = run(Map.of(), corefile, "render", "--corefile", "-", file.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("shop/corp: StubDomain corp.example: PolicyViolation");

        Run allowed = run(Map.of("NETWORKTOPOLOGY_DNS_STUB_DOMAIN_NAMESPACES", "shop"), corefile, "render", "--corefile", "-", file.toString());
        assertThat(allowed.code()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("corp.example:53 {").contains("forward . 10.0.0.53");

        Run missing = run(Map.of(), new byte[0], "render", "--corefile", dir.resolve("nope").toString(), file.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("render: --corefile " + dir.resolve("nope") + ": no such file\n");
    }

    /** The operator's own log lines are UTF-8 too, without a locale (the log handler encoded with ASCII: caf??). */
    @Test
    void theOperatorsLogIsUtf8WithoutLocale() throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:1/café→"}}]
                contexts: [{name: c, context: {cluster: c, user: u}}]
                current-context: c
                users: [{name: u, user: {token: x}}]
                """);
        Path log = dir.resolve("operator.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(Map.of("PATH", "/usr/bin:/bin", "KUBECONFIG", kubeconfig.toString(), "QUARKUS_HTTP_PORT", "0"));
        Process operator = builder.start();
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> Files.readString(log, StandardCharsets.UTF_8).contains("network-topology-operator starting"));
            assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("API server https://127.0.0.1:1/café→/");
        } finally {
            operator.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
