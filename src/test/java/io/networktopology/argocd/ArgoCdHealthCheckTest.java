package io.networktopology.argocd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.networktopology.status.Reasons;
import io.networktopology.Processes;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The Argo CD health check in config/argocd, run the way Argo CD's own resource_customizations tests run it: every
 * case of health_test.yaml feeds its testdata object to health.lua and expects the healthStatus. The Lua runs in a
 * real Lua 5.1 interpreter ({@code lua5.1}, else {@code luajit}), the language level of Argo CD's gopher-lua, with
 * the libraries Argo CD does not open (io, os, debug, package loading) removed. No interpreter is a failure, not a skip.
 */
class ArgoCdHealthCheckTest {

    static final Path CHECK_DIR = Path.of("config", "argocd", "resource_customizations", "networktopology.io", "NetworkTopology");
    static final Path HEALTH_LUA = CHECK_DIR.resolve("health.lua");
    static final Path HEALTH_TEST = CHECK_DIR.resolve("health_test.yaml");
    static final Path ARGOCD_CM = Path.of("config", "argocd", "argocd-cm.yaml");
    static final String CM_KEY = "resource.customizations.health.networktopology.io_NetworkTopology";

    /** Ready=False reasons that mean "progressing, not failed"; every other failure reason in {@link Reasons} must be Degraded. */
    static final Set<String> PROGRESSING_REASONS = Set.of(Reasons.AWAITING_ADDRESS, Reasons.DNS_PENDING, Reasons.AWAITING_GATEWAY);
    /** Reasons only True conditions carry. */
    static final Set<String> TRUE_REASONS = Set.of(Reasons.DNS_APPLIED, Reasons.NO_DNS_ENTRIES, Reasons.ALL_PATHS_VERIFIED, Reasons.VERIFIED_WITH_GAPS,
            Reasons.PROBES_DISABLED, Reasons.PROBES_PENDING, Reasons.FAILURES_BELOW_THRESHOLD, Reasons.NOTHING_TO_PROBE, Reasons.ALL_ROUTES_ACCEPTED,
            // PolicyFree's: that condition is informational, never rolled up into Ready.
            Reasons.NO_POLICIES, Reasons.NO_POLICY_SELECTS, Reasons.POLICIES_ALLOW_PATHS, Reasons.PATHS_BLOCKED, Reasons.POLICIES_NOT_EVALUATED); // ProbesPending: ConnectivityVerified=Unknown, which never fails Ready

    static final YAMLMapper YAML = new YAMLMapper();

    record HealthCase(String inputPath, String status, String message) {
    }

    record Health(String status, String message) {
    }

    static Stream<Arguments> healthTestCases() throws IOException {
        JsonNode tests = YAML.readTree(HEALTH_TEST.toFile()).path("tests");
        assertThat(tests.isArray() && tests.size() > 0).as("%s has a non-empty 'tests' list", HEALTH_TEST).isTrue();
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode test : tests) {
            HealthCase c = new HealthCase(test.path("inputPath").asText(), test.path("healthStatus").path("status").asText(),
                    test.path("healthStatus").path("message").asText());
            String name = c.inputPath().replaceFirst("^testdata/", "").replaceFirst("\\.ya?ml$", "") + " → " + c.status();
            cases.add(Arguments.of(Named.of(name, c)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("healthTestCases")
    void healthCheckGivesTheExpectedStatus(HealthCase c) throws IOException {
        Path input = CHECK_DIR.resolve(c.inputPath());
        assertThat(input).as("inputPath of a case in %s", HEALTH_TEST).isRegularFile();
        JsonNode object = YAML.readTree(input.toFile());

        Health health = runHealthCheck(Files.readString(HEALTH_LUA), object);

        assertThat(health).as("health.lua on %s", input).isEqualTo(new Health(c.status(), c.message()));
    }

    @Test
    void everyTestdataFileIsAFullNetworkTopologyUsedByACase() throws IOException {
        Set<String> used = healthTestCases().map(a -> ((HealthCase) ((Named<?>) a.get()[0]).getPayload()).inputPath())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(CHECK_DIR.resolve("testdata"))) {
            for (Path file : files.toList()) {
                present.add("testdata/" + file.getFileName());
                JsonNode object = YAML.readTree(file.toFile());
                assertThat(object.path("apiVersion").asText()).as("%s apiVersion", file).isEqualTo("networktopology.io/v1alpha1");
                assertThat(object.path("kind").asText()).as("%s kind", file).isEqualTo("NetworkTopology");
                assertThat(object.path("metadata").path("name").asText()).as("%s metadata.name", file).isNotEmpty();
                assertThat(object.path("spec").isObject()).as("%s has a spec", file).isTrue();
            }
        }
        assertThat(present).as("testdata files versus the inputPaths of %s", HEALTH_TEST).isEqualTo(used);
    }

    @Test
    void argocdCmCarriesTheSameLua() throws IOException {
        JsonNode cm = YAML.readTree(ARGOCD_CM.toFile());
        assertThat(cm.path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(cm.path("metadata").path("name").asText()).isEqualTo("argocd-cm");
        JsonNode lua = cm.path("data").path(CM_KEY);
        assertThat(lua.isTextual()).as("%s has data.%s", ARGOCD_CM, CM_KEY).isTrue();
        assertThat(lua.asText())
                .as("the Lua in %s (data.%s) must be %s verbatim: copy it over, indented by 4 spaces", ARGOCD_CM, CM_KEY, HEALTH_LUA)
                .isEqualTo(Files.readString(HEALTH_LUA));
    }

    /**
     * Every Ready=False reason the operator declares is classified: Degraded unless listed in {@link #PROGRESSING_REASONS}.
     * A reason added to {@link Reasons} fails here until health.lua (or the list above) says what it means.
     */
    @Test
    void everyFailureReasonOfTheOperatorIsClassified() throws IOException, IllegalAccessException {
        String lua = Files.readString(HEALTH_LUA);
        List<String> wrong = new ArrayList<>();
        for (Field field : Reasons.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) || field.getType() != String.class) {
                continue;
            }
            String reason = (String) field.get(null);
            if (reason.endsWith("Ready") || TRUE_REASONS.contains(reason)) {
                continue; // TopologyReady, AllServicesReady, ...: reasons of True conditions
            }
            String expected = PROGRESSING_REASONS.contains(reason) ? "Progressing" : "Degraded";
            Health health = runHealthCheck(lua, readyFalse(reason, "something happened"));
            if (!health.equals(new Health(expected, reason + ": something happened"))) {
                wrong.add(reason + " gives " + health + ", expected " + expected);
            }
        }
        assertThat(wrong).as("Ready=False reasons from Reasons.java that health.lua misclassifies "
                + "(add failures to its degradedReasons, or progressing ones to PROGRESSING_REASONS in this test)").isEmpty();
    }

    private static JsonNode readyFalse(String reason, String message) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        object.put("apiVersion", "networktopology.io/v1alpha1").put("kind", "NetworkTopology");
        object.putObject("metadata").put("name", "t").put("namespace", "ns").put("generation", 1);
        ObjectNode status = object.putObject("status");
        status.put("observedGeneration", 1);
        status.putArray("conditions").addObject().put("type", "Ready").put("status", "False").put("reason", reason)
                .put("message", message).put("observedGeneration", 1);
        return object;
    }

    // --- running the Lua ---------------------------------------------------------------------------------------

    /** Runs the health check on the object as Argo CD does: {@code obj} is the object, the script returns {@code hs}. */
    static Health runHealthCheck(String healthLua, JsonNode object) throws IOException {
        String driver = "local write = io.write\n"
                // Argo CD's gopher-lua opens base, table, string, math (and package for require): nothing else.
                + "io = nil; os = nil; debug = nil; dofile = nil; loadfile = nil\n"
                + "obj = " + toLua(object, "") + "\n"
                + "local function health()\n" + healthLua + "\nend\n"
                + "local hs = health()\n"
                + "if type(hs) ~= 'table' then error('health.lua returned ' .. type(hs) .. ', not a table') end\n"
                + "if type(hs.status) ~= 'string' then error('hs.status is ' .. type(hs.status) .. ', not a string') end\n"
                + "if hs.message ~= nil and type(hs.message) ~= 'string' then error('hs.message is ' .. type(hs.message)) end\n"
                + "write(hs.status, '\\n', hs.message or '')\n";
        Processes.Result result = run(List.of(luaInterpreter(), "-"), driver);
        if (result.exitCode() != 0) {
            fail("%s exited %d on %s:%n%s%n--- script ---%n%s", luaInterpreter(), result.exitCode(), HEALTH_LUA, result.err(), driver);
        }
        String out = result.out();
        int newline = out.indexOf('\n');
        assertThat(newline).as("driver output %s", out).isGreaterThanOrEqualTo(0);
        return new Health(out.substring(0, newline), out.substring(newline + 1));
    }

    /** A Lua table constructor for a JSON/YAML tree, as Argo CD converts an object: arrays 1-based, null → absent. */
    static String toLua(JsonNode node, String indent) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "nil";
        }
        if (node.isTextual()) {
            return luaString(node.asText());
        }
        if (node.isBoolean()) {
            return node.asBoolean() ? "true" : "false";
        }
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        if (node.isNumber()) {
            double d = node.doubleValue();
            return Double.isFinite(d) ? Double.toString(d) : (Double.isNaN(d) ? "(0/0)" : (d > 0 ? "(1/0)" : "(-1/0)"));
        }
        String inner = indent + "  ";
        StringBuilder b = new StringBuilder("{");
        if (node.isArray()) {
            for (JsonNode element : node) {
                b.append('\n').append(inner).append(toLua(element, inner)).append(',');
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getValue().isNull()) {
                    continue;
                }
                b.append('\n').append(inner).append('[').append(luaString(field.getKey())).append("] = ")
                        .append(toLua(field.getValue(), inner)).append(',');
            }
        } else {
            throw new IllegalArgumentException("cannot convert " + node.getNodeType() + " to Lua: " + node);
        }
        return b.append(b.length() > 1 ? "\n" + indent : "").append('}').toString();
    }

    /** A double-quoted Lua 5.1 string; bytes outside printable ASCII (UTF-8 included) as decimal escapes. */
    static String luaString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (byte raw : s.getBytes(StandardCharsets.UTF_8)) {
            int c = raw & 0xff;
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        b.append(String.format("\\%03d", c));
                    } else {
                        b.append((char) c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static Optional<String> interpreter;

    /** lua5.1, else luajit, from PATH; neither is a test failure. */
    static synchronized String luaInterpreter() {
        if (interpreter == null) {
            interpreter = Stream.of("lua5.1", "luajit").map(ArgoCdHealthCheckTest::onPath).flatMap(Optional::stream).findFirst();
        }
        if (interpreter.isEmpty()) {
            fail("No Lua 5.1 interpreter found on PATH (looked for lua5.1, then luajit): the Argo CD health check is tested "
                    + "with a real one. Install it: apt-get install lua5.1");
        }
        return interpreter.get();
    }

    static Optional<String> onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, command))
                .filter(Files::isRegularFile).filter(Files::isExecutable).map(Path::toString).findFirst();
    }

    static Processes.Result run(List<String> command, String stdin) {
        return Processes.run(new ProcessBuilder(command), stdin, Duration.ofSeconds(30));
    }
}
