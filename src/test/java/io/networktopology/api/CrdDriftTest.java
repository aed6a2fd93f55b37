package io.networktopology.api;

import io.networktopology.api.v1alpha1.NetworkTopology;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.quarkus.test.junit.QuarkusTest;
import io.networktopology.EmbeddedApi;
import io.quarkus.test.common.QuarkusTestResource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CRD is generated from the API classes (by the Quarkus Operator SDK, whenever the application is built or
 * started for tests) and committed under crds/. This fails when the two differ, so the committed CRD that users
 * install never lags the code. Run with -Dcrds.update=true to copy the generated one over. The generator sorts the
 * printer columns by jsonPath; the committed CRD has them in the order the API class declares them, which is the order
 * {@code kubectl get} shows. The generator cannot describe what the API classes do not declare (the root, spec and
 * status of a Fabric8 CustomResource, Fabric8's Condition): those descriptions are added here, so that
 * {@code kubectl explain} has a description for every field.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedApi.class)
class CrdDriftTest {

    static final String FILE = "networktopologies.networktopology.io-v1.yml";

    @Test
    void committedCrdIsTheGeneratedOne() throws IOException {
        Path generated = Path.of("target", "kubernetes", FILE);
        Path committed = Path.of("crds", FILE);
        assertThat(generated).as("the Quarkus Operator SDK generates the CRD when the application starts").exists();
        String expected = withDescriptions(inDeclaredColumnOrder(Files.readString(generated)));
        if (Boolean.getBoolean("crds.update")) {
            Files.writeString(committed, expected);
        }
        assertThat(Files.readString(committed))
                .as("crds/%s differs from the CRD generated from the API classes (%s): "
                        + "run ./mvnw test -Dtest=CrdDriftTest -Dcrds.update=true and commit crds/", FILE, generated)
                .isEqualTo(expected);
    }

    /** Descriptions of the schema nodes that come from Fabric8's classes, by path under openAPIV3Schema. */
    static final Map<String, String> INHERITED = new LinkedHashMap<>();

    static {
        INHERITED.put("", "NetworkTopology declares Services, Ingresses and CoreDNS entries in one resource. The operator creates"
                + " them, then proves with short-lived probe pods that traffic flows along every path, and reports it in status.");
        INHERITED.put("spec", "What the topology declares: services, ingresses, DNS entries, and how connectivity is probed.");
        INHERITED.put("status", "What the operator observed: the state of each declared object, the entry points, the DNS entries,"
                + " the connectivity checks and the conditions. Written by the operator only.");
        INHERITED.put("status.conditions.items.type", "Ready (the roll-up), ServicesReady, IngressesReady, DnsConfigured or"
                + " ConnectivityVerified.");
        INHERITED.put("status.conditions.items.status", "True, False or Unknown.");
        INHERITED.put("status.conditions.items.reason", "A CamelCase reason for the status, e.g. ServiceConflict or ConnectivityFailed.");
        INHERITED.put("status.conditions.items.message", "What a person needs to know: what is wrong and what to do.");
        INHERITED.put("status.conditions.items.lastTransitionTime", "When status last changed.");
        INHERITED.put("status.conditions.items.observedGeneration", "The metadata.generation this condition was computed from.");
    }

    /** Adds a description line under each schema node of {@link #INHERITED} that has none. */
    static String withDescriptions(String crd) {
        List<String> lines = new ArrayList<>(List.of(crd.split("\n", -1)));
        int root = lines.indexOf(lines.stream().filter(l -> l.trim().equals("openAPIV3Schema:")).findFirst().orElseThrow());
        int rootIndent = lines.get(root).indexOf('o');
        List<String> stack = new ArrayList<>();
        List<Integer> indents = new ArrayList<>();
        for (int i = root; i < lines.size(); i++) {
            String line = lines.get(i);
            int indent = line.length() - line.stripLeading().length();
            if (i > root && (line.isBlank() || indent <= rootIndent)) {
                break;
            }
            if (!line.stripTrailing().endsWith(":") || line.trim().startsWith("-")) {
                continue;
            }
            while (!indents.isEmpty() && indents.get(indents.size() - 1) >= indent) {
                indents.remove(indents.size() - 1);
                stack.remove(stack.size() - 1);
            }
            stack.add(line.trim().substring(0, line.trim().length() - 1));
            indents.add(indent);
            // The path without the schema's own "properties" and the root key itself.
            String path = String.join(".", stack.subList(1, stack.size())).replace("properties.", "").replaceAll("\\.properties$", "");
            if (stack.size() > 1 && !stack.get(stack.size() - 1).equals("properties") && stack.get(stack.size() - 2).equals("properties")
                    || stack.size() == 1 || stack.get(stack.size() - 1).equals("items")) {
                String description = INHERITED.get(path);
                String inner = " ".repeat(indent + 2);
                if (description != null && lines.stream().skip(i + 1).takeWhile(l -> l.startsWith(inner))
                        .noneMatch(l -> l.startsWith(inner + "description:"))) {
                    lines.add(i + 1, inner + "description: \"" + description.replace("\"", "\\\"") + "\"");
                }
            }
        }
        return String.join("\n", lines);
    }

    /** Every property of the schema has a description, so kubectl explain ntopo.spec... always says what a field is. */
    @Test
    void everyFieldHasADescription() throws IOException {
        com.fasterxml.jackson.databind.JsonNode schema = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                .readTree(Path.of("crds", FILE).toFile()).at("/spec/versions/0/schema/openAPIV3Schema");
        List<String> missing = new ArrayList<>();
        if (!schema.has("description")) {
            missing.add("(root)");
        }
        undescribed(schema, "", missing);
        assertThat(missing).as("schema properties without a description").isEmpty();
    }

    /**
     * Every CEL rule's reason is one the API server takes (it refuses the whole CRD otherwise, which the offline admission
     * does not see: a rule with reason FieldValueNotSupported passed every test here until the real API server refused it).
     */
    @Test
    void everyCelRuleHasAReasonTheApiServerTakes() throws IOException {
        com.fasterxml.jackson.databind.JsonNode crd = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(Path.of("crds", FILE).toFile());
        List<String> wrong = new ArrayList<>();
        crd.findValues("x-kubernetes-validations").forEach(rules -> rules.forEach(rule -> {
            String reason = rule.path("reason").asText("");
            if (!reason.isEmpty() && !List.of("FieldValueRequired", "FieldValueDuplicate", "FieldValueInvalid", "FieldValueForbidden").contains(reason)) {
                wrong.add(rule.path("message").asText() + ": " + reason);
            }
        }));
        assertThat(wrong).as("CEL rules whose reason the API server refuses").isEmpty();
    }

    private static void undescribed(com.fasterxml.jackson.databind.JsonNode node, String path, List<String> missing) {
        node.path("properties").properties().forEach(p -> {
            String child = path.isEmpty() ? p.getKey() : path + "." + p.getKey();
            if (!p.getValue().has("description")) {
                missing.add(child);
            }
            undescribed(p.getValue(), child, missing);
        });
        if (node.has("items")) {
            undescribed(node.get("items"), path + "[]", missing);
        }
        if (node.path("additionalProperties").isObject()) {
            undescribed(node.get("additionalProperties"), path + "{}", missing);
        }
    }

    /** The CRD text with its additionalPrinterColumns items in the order of the class's @AdditionalPrinterColumn. */
    static String inDeclaredColumnOrder(String crd) {
        List<String> order = Arrays.stream(NetworkTopology.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name).toList();
        List<String> lines = new ArrayList<>(List.of(crd.split("\n", -1)));
        int header = lines.indexOf(lines.stream().filter(l -> l.trim().endsWith("additionalPrinterColumns:")).findFirst().orElseThrow());
        String indent = lines.get(header + 1).substring(0, lines.get(header + 1).indexOf("- "));
        // Each item: its "- jsonPath" line and the lines indented under it.
        List<List<String>> items = new ArrayList<>();
        int end = header + 1;
        while (end < lines.size() && (lines.get(end).startsWith(indent + "- ") || lines.get(end).startsWith(indent + "  "))) {
            if (lines.get(end).startsWith(indent + "- ")) {
                items.add(new ArrayList<>());
            }
            items.get(items.size() - 1).add(lines.get(end++));
        }
        assertThat(items).as("printer columns in the generated CRD").hasSize(order.size());
        items.sort(Comparator.comparingInt(item -> order.indexOf(item.stream().map(String::trim)
                .filter(l -> l.startsWith("name: ") || l.startsWith("- name: ")).findFirst().orElseThrow()
                .replaceFirst("^(- )?name: \"(.*)\"$", "$2"))));
        List<String> sorted = new ArrayList<>(lines.subList(0, header + 1));
        items.forEach(sorted::addAll);
        sorted.addAll(lines.subList(end, lines.size()));
        return String.join("\n", sorted);
    }
}
