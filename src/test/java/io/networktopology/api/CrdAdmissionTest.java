package io.networktopology.api;

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
 * Admits sample topologies against the committed CRD the way kube-apiserver does, without an API server:
 * structural defaulting, OpenAPI schema validation (unknown fields rejected, as with strict field validation),
 * then every {@code x-kubernetes-validations} CEL rule at the node that declares it. As in the apiserver
 * (customResourceStrategy.Validate / hasBlockingErr), CEL rules are skipped when the schema check found a
 * required / type / enum / maxLength / maxItems error. Error strings follow apimachinery's field.Error format.
 *
 * <p>Samples: {@code src/test/resources/admission/good/*.yaml} (plus {@code examples/shop.yaml}) must be admitted
 * cleanly; each {@code src/test/resources/admission/bad/*.yaml} starts with {@code # expect: <substring>} that must
 * occur in one of the errors.
 */
class CrdAdmissionTest {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Path CRD = PROJECT.resolve("crds/networktopologies.networktopology.io-v1.yml");
    private static final Path SAMPLES = PROJECT.resolve("src/test/resources/admission");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> IMPLICIT_ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");
    private static final String BLOCKED = "<nil>: Invalid value: \"null\": some validation rules were not checked "
            + "because the object was invalid; correct the existing errors to complete validation";

    /**
     * The planner runtime evaluates parsed (not type-checked) expressions. That matters here: the CEL type checker
     * loads dev.cel.expr protos generated with protobuf 4.35.1, which refuse to load on the protobuf-java runtime the
     * Quarkus BOM pins (4.32.1). Parsing and evaluation need no generated protos, so they always work; type-checking
     * is a separate test that is skipped (with the reason) when the checker cannot load.
     */
    private static final Cel CEL = CelFactory.plannerCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .addVar("oldSelf", SimpleType.DYN)
            .build();
    private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

    private static JsonNode schema;

    // ---------------------------------------------------------------------------------------------- tests

    static Stream<Arguments> goodSamples() {
        return Stream.concat(Stream.of(PROJECT.resolve("examples/shop.yaml")), list("good")).map(CrdAdmissionTest::named);
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
            CelValidationResult parsed = CEL.parse(text);
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
            CEL.compile("self == 1");
        } catch (LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            Assumptions.abort("CEL type checker unavailable (" + cause + "); put protobuf-java >= 4.35.1 on the test "
                    + "classpath or set TEMPORARILY_DISABLE_PROTOBUF_VERSION_CHECK=true for surefire");
        }
        List<String> problems = new ArrayList<>();
        forEachRule((node, loc, rule) -> {
            String text = rule.path("rule").asText();
            CelValidationResult result = CEL.compile(text);
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

    /** Defaulting, schema validation, then CEL; returns the errors the apiserver would report. */
    static List<String> admit(Object object) {
        Object obj = normalize(object);
        JsonNode root = schema();
        applyDefaults(root, obj);
        List<Err> errs = new ArrayList<>();
        validate(root, obj, "", errs, true);
        if (errs.stream().anyMatch(Err::blocking)) {
            errs.add(new Err(BLOCKED, false));
        } else {
            validateRules(root, obj, "", errs);
        }
        return errs.stream().map(Err::text).collect(Collectors.toList());
    }

    private record Err(String text, boolean blocking) {
    }

    /** Structural defaulting: nulls of non-nullable fields are pruned, then absent fields get their default. */
    @SuppressWarnings("unchecked")
    private static void applyDefaults(JsonNode s, Object v) {
        if (v instanceof Map<?, ?> raw) {
            Map<String, Object> m = (Map<String, Object>) raw;
            for (Map.Entry<String, JsonNode> p : s.path("properties").properties()) {
                if (m.containsKey(p.getKey()) && m.get(p.getKey()) == null && !p.getValue().path("nullable").asBoolean()) {
                    m.remove(p.getKey());
                }
                if (!m.containsKey(p.getKey()) && p.getValue().has("default")) {
                    m.put(p.getKey(), normalize(JSON.convertValue(p.getValue().get("default"), Object.class)));
                }
                if (m.containsKey(p.getKey())) {
                    applyDefaults(p.getValue(), m.get(p.getKey()));
                }
            }
            if (s.path("additionalProperties").isObject()) {
                m.values().forEach(e -> applyDefaults(s.get("additionalProperties"), e));
            }
        } else if (v instanceof List<?> l && s.has("items")) {
            l.forEach(e -> applyDefaults(s.get("items"), e));
        }
    }

    /** OpenAPI v3 structural schema validation, with kube-openapi's error texts. */
    private static void validate(JsonNode s, Object v, String path, List<Err> errs, boolean root) {
        if (v == null) {
            if (!s.path("nullable").asBoolean()) {
                errs.add(new Err(path + ": Invalid value: \"null\": " + path + " in body must be of type " + s.path("type").asText("object") + ": \"null\"", true));
            }
            return;
        }
        String type = s.path("type").asText("");
        if (s.path("x-kubernetes-int-or-string").asBoolean()) {
            if (!(v instanceof Long) && !(v instanceof String)) {
                errs.add(new Err(path + ": Invalid value: \"" + jsonType(v) + "\": " + path + " in body must be of type integer,string: \"" + jsonType(v) + "\"", true));
                return;
            }
        } else if (!type.isEmpty() && !hasType(v, type)) {
            errs.add(new Err(path + ": Invalid value: \"" + jsonType(v) + "\": " + path + " in body must be of type " + type + ": \"" + jsonType(v) + "\"", true));
            return;
        }
        if (s.has("enum")) {
            List<Object> allowed = new ArrayList<>();
            s.get("enum").forEach(e -> allowed.add(normalize(JSON.convertValue(e, Object.class))));
            if (!allowed.contains(v)) {
                errs.add(new Err(path + ": Unsupported value: " + render(v) + ": supported values: "
                        + allowed.stream().map(CrdAdmissionTest::render).collect(Collectors.joining(", ")), true));
            }
        }
        if (v instanceof String str) {
            int len = str.codePointCount(0, str.length());
            if (s.has("maxLength") && len > s.get("maxLength").asLong()) {
                errs.add(new Err(path + ": Too long: may not be more than " + s.get("maxLength").asLong() + " bytes", true));
            }
            if (s.has("minLength") && len < s.get("minLength").asLong()) {
                errs.add(new Err(path + ": Invalid value: " + render(v) + ": " + path + " in body should be at least " + s.get("minLength").asLong() + " chars long", false));
            }
            if (s.has("pattern") && !Pattern.compile(s.get("pattern").asText()).matcher(str).find()) {
                errs.add(new Err(path + ": Invalid value: " + render(v) + ": " + path + " in body should match '" + s.get("pattern").asText() + "'", false));
            }
        }
        if (v instanceof Number n) {
            BigDecimal d = new BigDecimal(n.toString());
            if (s.has("minimum") && d.compareTo(s.get("minimum").decimalValue()) < (s.path("exclusiveMinimum").asBoolean() ? 1 : 0)) {
                errs.add(new Err(path + ": Invalid value: " + render(v) + ": " + path + " in body should be greater than "
                        + (s.path("exclusiveMinimum").asBoolean() ? "" : "or equal to ") + s.get("minimum").asLong(), false));
            }
            if (s.has("maximum") && d.compareTo(s.get("maximum").decimalValue()) > (s.path("exclusiveMaximum").asBoolean() ? -1 : 0)) {
                errs.add(new Err(path + ": Invalid value: " + render(v) + ": " + path + " in body should be less than "
                        + (s.path("exclusiveMaximum").asBoolean() ? "" : "or equal to ") + s.get("maximum").asLong(), false));
            }
        }
        if (v instanceof List<?> l) {
            if (s.has("maxItems") && l.size() > s.get("maxItems").asInt()) {
                errs.add(new Err(path + ": Too many: " + l.size() + ": must have at most " + s.get("maxItems").asInt() + " items", true));
            }
            if (s.has("minItems") && l.size() < s.get("minItems").asInt()) {
                errs.add(new Err(path + ": Invalid value: " + l.size() + ": " + path + " in body should have at least " + s.get("minItems").asInt() + " items", false));
            }
            for (int i = 0; i < l.size() && s.has("items"); i++) {
                validate(s.get("items"), l.get(i), path + "[" + i + "]", errs, false);
            }
        }
        if (v instanceof Map<?, ?> m) {
            s.path("required").forEach(r -> {
                if (!m.containsKey(r.asText())) {
                    errs.add(new Err(child(path, r.asText()) + ": Required value", true));
                }
            });
            m.forEach((k, value) -> {
                JsonNode ps = s.path("properties").get((String) k);
                if (ps != null) {
                    validate(ps, value, child(path, (String) k), errs, false);
                } else if (s.path("additionalProperties").isObject()) {
                    validate(s.get("additionalProperties"), value, path + "[" + k + "]", errs, false);
                } else if (!(root && IMPLICIT_ROOT_FIELDS.contains(k)) && !s.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
                    errs.add(new Err("unknown field \"" + child(path, (String) k) + "\"", true));
                }
            });
        }
        if (s.has("anyOf") && !s.path("x-kubernetes-int-or-string").asBoolean()) {
            boolean any = false;
            for (JsonNode branch : s.get("anyOf")) {
                List<Err> branchErrs = new ArrayList<>();
                validate(branch, v, path, branchErrs, root);
                any |= branchErrs.isEmpty();
            }
            if (!any) {
                errs.add(new Err(path + ": Invalid value: " + render(v) + ": " + path + " in body must validate at least one schema (anyOf)", false));
            }
        }
    }

    /** Every x-kubernetes-validations rule, with self bound to the value at the declaring node. */
    private static void validateRules(JsonNode s, Object v, String path, List<Err> errs) {
        if (v == null) {
            return;
        }
        for (JsonNode rule : s.path("x-kubernetes-validations")) {
            String text = rule.path("rule").asText();
            if (text.contains("oldSelf")) {
                continue; // transition rules do not run on create
            }
            String at = path + rule.path("fieldPath").asText("");
            try {
                Object result = program(text).eval(Map.of("self", v));
                if (!(result instanceof Boolean)) {
                    errs.add(new Err(at + ": Invalid value: rule did not evaluate to a bool: " + text, false));
                } else if (!(Boolean) result) {
                    errs.add(new Err(ruleError(rule, at, v), false));
                }
            } catch (Exception e) {
                errs.add(new Err(at + ": Invalid value: " + render(v) + ": rule " + text + " failed: " + e.getMessage(), false));
            }
        }
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, value) -> {
                JsonNode ps = s.path("properties").get((String) k);
                if (ps != null) {
                    validateRules(ps, value, child(path, (String) k), errs);
                } else if (s.path("additionalProperties").isObject()) {
                    validateRules(s.get("additionalProperties"), value, path + "[" + k + "]", errs);
                }
            });
        } else if (v instanceof List<?> l && s.has("items")) {
            for (int i = 0; i < l.size(); i++) {
                validateRules(s.get("items"), l.get(i), path + "[" + i + "]", errs);
            }
        }
    }

    /**
     * apiextensions-apiserver's fieldErrorForReason. Note the apiserver builds FieldValueDuplicate errors with
     * field.Duplicate(path, value), which has no detail: the rule's message is NOT shown to the user. We still append
     * it here, marked, so the samples can name the rule they trip.
     */
    private static String ruleError(JsonNode rule, String at, Object v) {
        String message = rule.path("message").asText("failed rule: " + rule.path("rule").asText());
        boolean composite = v instanceof Map || v instanceof List;
        String value = composite ? "" : render(v) + ": ";
        return switch (rule.path("reason").asText("FieldValueInvalid")) {
            case "FieldValueForbidden" -> at + ": Forbidden: " + message;
            case "FieldValueRequired" -> at + ": Required value: " + message;
            case "FieldValueDuplicate" -> at + ": Duplicate value" + (composite ? "" : ": " + render(v))
                    + " [rule message, dropped by the apiserver for reason FieldValueDuplicate: " + message + "]";
            case "FieldValueInvalid" -> at + ": Invalid value: " + value + message;
            // The API server refuses such a CRD (found on it with FieldValueTooLong): say so here first.
            default -> throw new AssertionError("rule reason " + rule.path("reason").asText() + " is not one the API server accepts"
                    + " (FieldValueInvalid, FieldValueForbidden, FieldValueRequired, FieldValueDuplicate): " + rule);
        };
    }

    private static CelRuntime.Program program(String rule) {
        return PROGRAMS.computeIfAbsent(rule, r -> {
            try {
                CelAbstractSyntaxTree ast = CEL.parse(r).getAst();
                return CEL.createProgram(ast);
            } catch (Exception e) {
                throw new IllegalStateException("cannot compile CEL rule " + r + ": " + e.getMessage(), e);
            }
        });
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private interface RuleVisitor {
        void visit(JsonNode node, String location, JsonNode rule);
    }

    /** Walks the schema; location is a readable schema path like spec.services[*].ports. */
    private static void forEachRule(RuleVisitor visitor) {
        walk(schema(), "", (node, loc) -> node.path("x-kubernetes-validations").forEach(r -> visitor.visit(node, loc, r)));
    }

    private static void walk(JsonNode s, String loc, BiConsumer<JsonNode, String> visitor) {
        visitor.accept(s, loc.isEmpty() ? "<root>" : loc);
        s.path("properties").properties().forEach(p -> walk(p.getValue(), child(loc, p.getKey()), visitor));
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

    /** Resolves a CEL select/index chain such as {@code self.ports} or {@code p.name} to its schema node. */
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

    private static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static boolean hasType(Object v, String type) {
        return switch (type) {
            case "object" -> v instanceof Map;
            case "array" -> v instanceof List;
            case "string" -> v instanceof String;
            case "integer" -> v instanceof Long;
            case "number" -> v instanceof Long || v instanceof Double;
            case "boolean" -> v instanceof Boolean;
            default -> true;
        };
    }

    private static String jsonType(Object v) {
        return v instanceof Map ? "object" : v instanceof List ? "array" : v instanceof String ? "string"
                : v instanceof Long ? "integer" : v instanceof Double ? "number" : v instanceof Boolean ? "boolean" : "null";
    }

    private static String render(Object v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (IOException e) {
            return String.valueOf(v);
        }
    }

    /** Deep copy with CEL's value types: integers as Long, other numbers as Double, mutable maps and lists. */
    private static Object normalize(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, e) -> out.put(String.valueOf(k), normalize(e)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(CrdAdmissionTest::normalize).collect(Collectors.toCollection(ArrayList::new));
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof BigInteger) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float || v instanceof BigDecimal) {
            BigDecimal d = new BigDecimal(v.toString());
            return d.stripTrailingZeros().scale() <= 0 ? (Object) d.longValueExact() : (Object) d.doubleValue();
        }
        if (v instanceof Double d) {
            return d == Math.rint(d) && !Double.isInfinite(d) ? (Object) d.longValue() : (Object) d;
        }
        return v;
    }

    private static synchronized JsonNode schema() {
        if (schema == null) {
            try {
                schema = Objects.requireNonNull(YAML.readTree(CRD.toFile()).at("/spec/versions/0/schema/openAPIV3Schema"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertThat(schema.isObject()).as("openAPIV3Schema in " + CRD).isTrue();
        }
        return schema;
    }

    private static Object read(Path sample) {
        try {
            return YAML.readValue(sample.toFile(), Object.class);
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
