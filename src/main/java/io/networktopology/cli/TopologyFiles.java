package io.networktopology.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.networktopology.api.NetworkTopology;
import io.networktopology.model.SpecProblem;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads NetworkTopology documents from YAML the way the API server would take them: unknown fields and wrong
 * types are errors with their field path, not silently dropped.
 */
public final class TopologyFiles {

    /** One document of a file: the topology, or the problems that kept it from being read. */
    public record Document(String source, int index, NetworkTopology topology, List<SpecProblem> problems) {
        public String label() {
            String name = topology != null && topology.getMetadata() != null ? topology.getMetadata().getName() : null;
            return source + " (document " + (index + 1) + (name != null ? ", " + name : "") + ")";
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private TopologyFiles() {
    }

    public static List<Document> read(String source, Reader reader) throws IOException {
        List<Document> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> nodes = YAML.readerFor(JsonNode.class).readValues(reader)) {
            int index = 0;
            while (nodes.hasNext()) {
                JsonNode node = nodes.next();
                if (node == null || node.isNull() || node.isMissingNode() || (node.isObject() && node.isEmpty())) {
                    index++;
                    continue;
                }
                documents.add(document(source, index++, node));
            }
        }
        return documents;
    }

    private static Document document(String source, int index, JsonNode node) {
        List<SpecProblem> problems = new ArrayList<>();
        String apiVersion = node.path("apiVersion").asText("");
        String kind = node.path("kind").asText("");
        if (!NetworkTopology.KIND.equals(kind)) {
            problems.add(new SpecProblem("kind", "expected " + NetworkTopology.KIND + ", got \"" + kind + "\""));
        }
        if (!NetworkTopology.API_VERSION.equals(apiVersion)) {
            problems.add(new SpecProblem("apiVersion", "expected " + NetworkTopology.API_VERSION + ", got \"" + apiVersion + "\""));
        }
        if (node.path("metadata").path("name").asText("").isEmpty()) {
            problems.add(new SpecProblem("metadata.name", "required"));
        }
        if (!problems.isEmpty()) {
            return new Document(source, index, null, problems);
        }
        try {
            NetworkTopology topology = YAML.treeToValue(node, NetworkTopology.class);
            return new Document(source, index, topology, problems);
        } catch (JsonMappingException e) {
            problems.add(new SpecProblem(path(e), reason(e)));
            return new Document(source, index, null, problems);
        } catch (IOException e) {
            problems.add(new SpecProblem("", e.getMessage()));
            return new Document(source, index, null, problems);
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String reason(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "unknown field";
        }
        if (e instanceof InvalidFormatException invalid) {
            Class<?> target = invalid.getTargetType();
            if (target != null && target.isEnum()) {
                List<String> allowed = new ArrayList<>();
                for (Object constant : target.getEnumConstants()) {
                    allowed.add(((Enum<?>) constant).name());
                }
                return "unsupported value \"" + invalid.getValue() + "\": must be one of " + String.join(", ", allowed);
            }
            return "invalid value \"" + invalid.getValue() + "\": expected " + (target == null ? "another type" : typeName(target));
        }
        String message = e.getOriginalMessage();
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : message;
    }

    private static String typeName(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return type.getSimpleName();
    }
}
