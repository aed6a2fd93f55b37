package io.networktopology.api;

import io.networktopology.api.v1alpha1.NetworkTopology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Admits a NetworkTopology against the committed CRD the way kube-apiserver does, without an API server: structural
 * defaulting, OpenAPI schema validation (unknown fields refused, as with strict field validation), then every
 * {@code x-kubernetes-validations} CEL rule at the node that declares it. As in the API server
 * (customResourceStrategy.Validate), CEL rules are skipped when the schema check found a required / type / enum /
 * maxLength / maxItems error. Error texts follow apimachinery's field.Error format, so {@code render} says what
 * {@code kubectl apply} would say.
 *
 * <p>The object is plain JSON data (maps, lists, strings, numbers, booleans), as the API server decodes it.
 */
public final class Admission {

    /** Where the CRD is on the classpath (the build copies {@code crds/} into the jar). */
    public static final String CRD_RESOURCE = "crds/networktopologies.networktopology.io-v1.yml";

    /** One error: the field it is about ({@code spec.services[0].ports[0].port}; empty for the object) and the API server's text. */
    public record Error(String field, String text, boolean blocking) {
        @Override
        public String toString() {
            return text;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> IMPLICIT_ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");
    private static final String BLOCKED = "<nil>: Invalid value: \"null\": some validation rules were not checked "
            + "because the object was invalid; correct the existing errors to complete validation";

    /**
     * The planner runtime evaluates parsed expressions: the API server has type-checked every rule when it admitted
     * the CRD, and the tests type-check them (CrdAdmissionTest).
     */
    private static final Cel CEL = CelFactory.plannerCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .addVar("oldSelf", SimpleType.DYN)
            .build();
    private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

    private static volatile JsonNode schema;

    private Admission() {
    }

    /** The CEL environment the rules run in (self and oldSelf, both dynamic). */
    public static Cel cel() {
        return CEL;
    }

    /** The CRD's openAPIV3Schema (the first, served version). */
    public static JsonNode schema() {
        JsonNode s = schema;
        if (s == null) {
            try (InputStream in = Admission.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(CRD_RESOURCE + " is not on the classpath");
                }
                s = new YAMLMapper().readTree(in).at("/spec/versions/0/schema/openAPIV3Schema");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!s.isObject()) {
                throw new IllegalStateException("no openAPIV3Schema in " + CRD_RESOURCE);
            }
            schema = s;
        }
        return s;
    }

    /**
     * Defaulting, schema validation, then CEL, on a copy ({@link #normalize(Object)}): {@code object} is left as it is.
     */
    public static List<Error> admit(Object object) {
        Object obj = normalize(object);
        JsonNode root = schema();
        applyDefaults(root, obj);
        List<Error> errs = new ArrayList<>();
        validate(root, obj, "", errs, true);
        if (errs.stream().anyMatch(Error::blocking)) {
            errs.add(new Error("", BLOCKED, false));
        } else {
            validateRules(root, obj, "", errs);
        }
        return errs;
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
    private static void validate(JsonNode s, Object v, String path, List<Error> errs, boolean root) {
        if (v == null) {
            if (!s.path("nullable").asBoolean()) {
                errs.add(new Error(path, path + ": Invalid value: \"null\": " + path + " in body must be of type "
                        + s.path("type").asText("object") + ": \"null\"", true));
            }
            return;
        }
        String type = s.path("type").asText("");
        if (s.path("x-kubernetes-int-or-string").asBoolean()) {
            if (!(v instanceof Long) && !(v instanceof String)) {
                errs.add(new Error(path, path + ": Invalid value: \"" + jsonType(v) + "\": " + path
                        + " in body must be of type integer,string: \"" + jsonType(v) + "\"", true));
                return;
            }
        } else if (!type.isEmpty() && !hasType(v, type)) {
            errs.add(new Error(path, path + ": Invalid value: \"" + jsonType(v) + "\": " + path + " in body must be of type "
                    + type + ": \"" + jsonType(v) + "\"", true));
            return;
        }
        if (s.has("enum")) {
            List<Object> allowed = new ArrayList<>();
            s.get("enum").forEach(e -> allowed.add(normalize(JSON.convertValue(e, Object.class))));
            if (!allowed.contains(v)) {
                errs.add(new Error(path, path + ": Unsupported value: " + render(v) + ": supported values: "
                        + allowed.stream().map(Admission::render).collect(Collectors.joining(", ")), true));
            }
        }
        if (v instanceof String str) {
            if (s.has("maxLength") && str.length() > s.get("maxLength").asLong()
                    && str.codePointCount(0, str.length()) > s.get("maxLength").asLong()) {
                errs.add(new Error(path, path + ": Too long: may not be more than " + s.get("maxLength").asLong() + " bytes", true));
            } else if (s.has("pattern") && !Pattern.compile(s.get("pattern").asText()).matcher(str).find()) {
                errs.add(new Error(path, path + ": Invalid value: " + render(v) + ": " + path + " in body should match '"
                        + s.get("pattern").asText() + "'", false));
            }
            if (s.has("minLength") && str.codePointCount(0, str.length()) < s.get("minLength").asLong()) {
                errs.add(new Error(path, path + ": Invalid value: " + render(v) + ": " + path + " in body should be at least "
                        + s.get("minLength").asLong() + " chars long", false));
            }
        }
        if (v instanceof Number n) {
            BigDecimal d = new BigDecimal(n.toString());
            if (s.has("minimum") && d.compareTo(s.get("minimum").decimalValue()) < (s.path("exclusiveMinimum").asBoolean() ? 1 : 0)) {
                errs.add(new Error(path, path + ": Invalid value: " + render(v) + ": " + path + " in body should be greater than "
                        + (s.path("exclusiveMinimum").asBoolean() ? "" : "or equal to ") + s.get("minimum").asLong(), false));
            }
            if (s.has("maximum") && d.compareTo(s.get("maximum").decimalValue()) > (s.path("exclusiveMaximum").asBoolean() ? -1 : 0)) {
                errs.add(new Error(path, path + ": Invalid value: " + render(v) + ": " + path + " in body should be less than "
                        + (s.path("exclusiveMaximum").asBoolean() ? "" : "or equal to ") + s.get("maximum").asLong(), false));
            }
        }
        if (v instanceof List<?> l) {
            if (s.has("maxItems") && l.size() > s.get("maxItems").asInt()) {
                errs.add(new Error(path, path + ": Too many: " + l.size() + ": must have at most " + s.get("maxItems").asInt()
                        + " items", true));
            }
            if (s.has("minItems") && l.size() < s.get("minItems").asInt()) {
                errs.add(new Error(path, path + ": Invalid value: " + l.size() + ": " + path + " in body should have at least "
                        + s.get("minItems").asInt() + " items", false));
            }
            for (int i = 0; i < l.size() && s.has("items"); i++) {
                validate(s.get("items"), l.get(i), path + "[" + i + "]", errs, false);
            }
        }
        if (v instanceof Map<?, ?> m) {
            s.path("required").forEach(r -> {
                if (!m.containsKey(r.asText())) {
                    errs.add(new Error(child(path, r.asText()), child(path, r.asText()) + ": Required value", true));
                }
            });
            m.forEach((k, value) -> {
                JsonNode ps = s.path("properties").get((String) k);
                if (ps != null) {
                    validate(ps, value, child(path, (String) k), errs, false);
                } else if (s.path("additionalProperties").isObject()) {
                    validate(s.get("additionalProperties"), value, path + "[" + k + "]", errs, false);
                } else if (!(root && IMPLICIT_ROOT_FIELDS.contains(k)) && !s.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
                    errs.add(new Error(child(path, (String) k), "unknown field \"" + child(path, (String) k) + "\"", true));
                }
            });
        }
        if (s.has("anyOf") && !s.path("x-kubernetes-int-or-string").asBoolean()) {
            boolean any = false;
            for (JsonNode branch : s.get("anyOf")) {
                List<Error> branchErrs = new ArrayList<>();
                validate(branch, v, path, branchErrs, root);
                any |= branchErrs.isEmpty();
            }
            if (!any) {
                errs.add(new Error(path, path + ": Invalid value: " + render(v) + ": " + path
                        + " in body must validate at least one schema (anyOf)", false));
            }
        }
    }

    /** Every x-kubernetes-validations rule, with self bound to the value at the declaring node. */
    private static void validateRules(JsonNode s, Object v, String path, List<Error> errs) {
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
                    errs.add(new Error(at, at + ": Invalid value: rule did not evaluate to a bool: " + text, false));
                } else if (!(Boolean) result) {
                    errs.add(new Error(at, ruleError(rule, at, v), false));
                }
            } catch (Exception e) {
                errs.add(new Error(at, at + ": Invalid value: " + render(v) + ": rule " + text + " failed: " + e.getMessage(), false));
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
     * apiextensions-apiserver's fieldErrorForReason. The API server builds FieldValueDuplicate errors with
     * field.Duplicate(path, value), which has no detail, so the rule's message would be lost: it is appended here,
     * marked, so a reader (and the samples) can tell which rule it was.
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
            // The API server refuses such a CRD (found on it with FieldValueTooLong).
            default -> throw new IllegalStateException("rule reason " + rule.path("reason").asText() + " is not one the API server accepts"
                    + " (FieldValueInvalid, FieldValueForbidden, FieldValueRequired, FieldValueDuplicate): " + rule);
        };
    }

    /** The compiled rule (parsed, not type-checked; cached). */
    public static CelRuntime.Program program(String rule) {
        return PROGRAMS.computeIfAbsent(rule, r -> {
            try {
                return CEL.createProgram(CEL.parse(r).getAst());
            } catch (Exception e) {
                throw new IllegalStateException("cannot compile CEL rule " + r + ": " + e.getMessage(), e);
            }
        });
    }

    /** {@code a.b}, or {@code b} at the root. */
    public static String child(String path, String name) {
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
    public static Object normalize(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, e) -> out.put(String.valueOf(k), normalize(e)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(Admission::normalize).collect(Collectors.toCollection(ArrayList::new));
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
}
