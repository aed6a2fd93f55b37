package io.networktopology.api;

import io.networktopology.api.v1alpha1.NetworkTopology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Admits sample topologies against the committed CRD the way kube-apiserver does, without an API server
 * ({@link Admission}: defaulting, OpenAPI schema, CEL rules), and checks the CRD's rules themselves: each parses,
 * type-checks to bool, touches only bounded values and is tripped by a bad sample.
 *
 * <p>Samples: {@code src/test/resources/admission/good/*.yaml} (plus {@code examples/shop.yaml}) must be admitted
 * cleanly; each {@code src/test/resources/admission/bad/*.yaml} starts with {@code # expect: <substring>} that must
 * occur in one of the errors.
 */
class CrdAdmissionTest {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Path SAMPLES = PROJECT.resolve("src/test/resources/admission");
    private static final YAMLMapper YAML = new YAMLMapper();


    // ---------------------------------------------------------------------------------------------- tests

    static Stream<Arguments> goodSamples() {
        return Stream.concat(Stream.of(PROJECT.resolve("examples/shop.yaml"), PROJECT.resolve("examples/hello.yaml"),
                PROJECT.resolve("examples/shop-gateway.yaml")), list("good")).map(CrdAdmissionTest::named);
    }

    static Stream<Arguments> badSamples() {
        return list("bad").map(CrdAdmissionTest::named);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodSamples")
    void goodSampleIsAdmitted(Path sample) {
        List<String> errors = admit(read(sample));
        assertThat(errors).as("errors for %s:%n%s", sample.getFileName(), String.join("\n", errors)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSamples")
    void badSampleIsRejected(Path sample) {
        String expected = expectation(sample);
        List<String> errors = admit(read(sample));
        assertThat(errors)
                .as("expected an error containing [%s] for %s, got:%n%s", expected, sample.getFileName(), String.join("\n", errors))
                .anyMatch(e -> e.contains(expected));
    }

    @Test
    void everyRuleParsesAndEveryFieldPathExists() {
        List<String> problems = new ArrayList<>();
        forEachRule((node, loc, rule) -> {
            String text = rule.path("rule").asText();
            CelValidationResult parsed = Admission.cel().parse(text);
            if (parsed.hasError()) {
                problems.add(loc + ": " + text + "\n" + parsed.getErrorString());
            }
            if (rule.has("fieldPath") && resolveFieldPath(node, rule.get("fieldPath").asText()) == null) {
                problems.add(loc + ": fieldPath " + rule.get("fieldPath").asText() + " does not name a declared field");
            }
            if (!rule.hasNonNull("message") && !rule.hasNonNull("messageExpression")) {
                problems.add(loc + ": rule has no message: " + text);
            }
        });
        assertThat(problems).as("%s", String.join("\n", problems)).isEmpty();
    }

    /** Full compile (parse + type-check, self as dyn): unknown functions, bad overloads, non-bool results. */
    @Test
    void everyRuleTypeChecksToBool() {
        try {
            Admission.cel().compile("self == 1");
        } catch (LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new AssertionError("CEL type checker unavailable (" + cause + "): protobuf-java must be >= 4.35.1", e);
        }
        List<String> problems = new ArrayList<>();
        forEachRule((node, loc, rule) -> {
            String text = rule.path("rule").asText();
            CelValidationResult result = Admission.cel().compile(text);
            if (result.hasError()) {
                problems.add(loc + ": " + text + "\n" + result.getErrorString());
                return;
            }
            try {
                String resultType = result.getAst().getResultType().name();
                if (!Set.of("bool", "dyn").contains(resultType)) {
                    problems.add(loc + ": rule evaluates to " + resultType + ", not bool: " + text);
                }
            } catch (Exception e) {
                problems.add(loc + ": " + e);
            }
        });
        assertThat(problems).as("%s", String.join("\n", problems)).isEmpty();
    }

    /**
     * A loose version of the apiserver's CEL cost estimation: every list or map a rule iterates or sizes must be
     * bounded (maxItems/maxProperties) and every string a rule reads must be bounded (maxLength or enum).
     */
    @Test
    void rulesOnlyTouchBoundedValues() {
        Pattern macro = Pattern.compile("([A-Za-z_]\\w*(?:\\.\\w+|\\[\\d+])*)\\.(all|exists|exists_one|map|filter)\\(\\s*([A-Za-z_]\\w*)\\s*,");
        Pattern size = Pattern.compile("size\\(\\s*([A-Za-z_]\\w*(?:\\.\\w+|\\[\\d+])*)\\s*\\)");
        Pattern ref = Pattern.compile("\\b([A-Za-z_]\\w*)((?:\\.\\w++(?!\\s*\\()|\\[\\d+])*)");
        List<String> problems = new ArrayList<>();
        forEachRule((node, loc, rule) -> {
            String text = rule.path("rule").asText().replaceAll("'[^']*'", "''");
            Map<String, JsonNode> vars = new LinkedHashMap<>();
            vars.put("self", "<root>".equals(loc) ? withObjectMeta(node) : node);
            Matcher m = macro.matcher(text);
            while (m.find()) { // macros appear outermost first, so iteration variables resolve before use
                JsonNode target = resolveExpr(m.group(1), vars);
                requireBoundedCollection(target, loc, m.group(0), problems);
                if (target != null) {
                    vars.put(m.group(3), target.path("items"));
                }
            }
            m = size.matcher(text);
            while (m.find()) {
                requireBoundedCollection(resolveExpr(m.group(1), vars), loc, m.group(0), problems);
            }
            m = ref.matcher(text);
            while (m.find()) {
                if (!vars.containsKey(m.group(1))) {
                    continue;
                }
                JsonNode target = resolveExpr(m.group(0), vars);
                if (target == null) {
                    problems.add(loc + ": cannot resolve " + m.group(0) + " in the schema");
                } else if ("string".equals(target.path("type").asText()) && !target.has("maxLength") && !target.has("enum")) {
                    problems.add(loc + ": string " + m.group(0) + " has neither maxLength nor enum");
                }
            }
        });
        assertThat(problems).as("%s", String.join("\n", problems)).isEmpty();
    }

    /** Every CEL rule's message must be produced by at least one bad sample, so no rule goes untested. */
    @Test
    void everyRuleIsTrippedByABadSample() {
        List<String> allErrors = badSamples().map(a -> (Path) ((Named<?>) a.get()[0]).getPayload())
                .flatMap(p -> admit(read(p)).stream()).collect(Collectors.toList());
        List<String> untested = new ArrayList<>();
        forEachRule((node, loc, rule) -> {
            String message = rule.path("message").asText();
            if (allErrors.stream().noneMatch(e -> e.contains(message))) {
                untested.add(loc + ": " + message);
            }
        });
        assertThat(untested).as("rules no bad sample trips:%n%s", String.join("\n", untested)).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------- admission

    /** The errors the API server would report (the product's own admission, which render uses too). */
    static List<String> admit(Object object) {
        return Admission.admit(object).stream().map(Admission.Error::text).collect(Collectors.toList());
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private interface RuleVisitor {
        void visit(JsonNode node, String location, JsonNode rule);
    }

    /** Walks the schema; location is a readable schema path like spec.services[*].ports. */
    private static void forEachRule(RuleVisitor visitor) {
        walk(Admission.schema(), "", (node, loc) -> node.path("x-kubernetes-validations").forEach(r -> visitor.visit(node, loc, r)));
    }

    private static void walk(JsonNode s, String loc, BiConsumer<JsonNode, String> visitor) {
        visitor.accept(s, loc.isEmpty() ? "<root>" : loc);
        s.path("properties").properties().forEach(p -> walk(p.getValue(), Admission.child(loc, p.getKey()), visitor));
        if (s.has("items")) {
            walk(s.get("items"), loc + "[*]", visitor);
        }
        if (s.path("additionalProperties").isObject()) {
            walk(s.get("additionalProperties"), loc + "[*]", visitor);
        }
    }

    private static JsonNode resolveFieldPath(JsonNode node, String fieldPath) {
        return resolveExpr("self" + fieldPath, Map.of("self", node));
    }

    /**
     * The root schema as the API server sees it for CEL: metadata.name and generateName are readable there (and no other
     * metadata field), strings bounded by the API server itself (253 characters).
     */
    private static JsonNode withObjectMeta(JsonNode root) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = root.deepCopy();
        com.fasterxml.jackson.databind.node.ObjectNode meta = copy.with("properties").putObject("metadata");
        meta.put("type", "object");
        for (String field : List.of("name", "generateName")) {
            meta.with("properties").putObject(field).put("type", "string").put("maxLength", 253);
        }
        return copy;
    }

    /** Resolves a CEL select/index chain such as {@code self.ports} or {@code p.name} to its schema node. */
    private static JsonNode resolveExpr(String expr, Map<String, JsonNode> vars) {
        Matcher m = Pattern.compile("\\.(\\w+)|\\[\\d+]").matcher(expr);
        JsonNode node = vars.get(expr.split("[.\\[]", 2)[0]);
        while (node != null && m.find()) {
            if (m.group(1) == null) {
                node = node.get("items");
            } else if (node.path("properties").has(m.group(1))) {
                node = node.get("properties").get(m.group(1));
            } else {
                node = node.path("additionalProperties").isObject() ? node.get("additionalProperties") : null;
            }
        }
        return node;
    }

    private static void requireBoundedCollection(JsonNode target, String loc, String use, List<String> problems) {
        if (target == null) {
            problems.add(loc + ": cannot resolve " + use + " in the schema");
        } else if (target.path("x-kubernetes-int-or-string").asBoolean()) {
            return; // size() of an int-or-string is O(1); no bound needed for cost
        } else if ("array".equals(target.path("type").asText()) && !target.has("maxItems")) {
            problems.add(loc + ": " + use + " iterates/sizes a list without maxItems");
        } else if ("object".equals(target.path("type").asText()) && !target.has("maxProperties")) {
            problems.add(loc + ": " + use + " iterates/sizes a map without maxProperties");
        } else if ("string".equals(target.path("type").asText()) && !target.has("maxLength") && !target.has("enum")) {
            problems.add(loc + ": " + use + " sizes a string without maxLength");
        }
    }






    /** The NetworkTopology document of the sample (examples/shop.yaml starts with its Namespace). */
    private static Object read(Path sample) {
        try (var docs = YAML.readerFor(Object.class).<Object>readValues(sample.toFile())) {
            List<Object> all = docs.readAll();
            return all.stream().filter(d -> d instanceof Map<?, ?> m && "NetworkTopology".equals(m.get("kind"))).findFirst()
                    .orElse(all.isEmpty() ? null : all.get(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String expectation(Path sample) {
        try {
            String first = Files.readAllLines(sample).get(0);
            assertThat(first).as("first line of " + sample).startsWith("# expect: ");
            return first.substring("# expect: ".length()).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<Path> list(String dir) {
        try (Stream<Path> files = Files.list(SAMPLES.resolve(dir))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().collect(Collectors.toList()).stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Arguments named(Path p) {
        return Arguments.of(Named.of(PROJECT.relativize(p).toString(), p));
    }
}
