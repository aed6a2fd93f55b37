package io.networktopology.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.networktopology.api.v1alpha1.NetworkTopology;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the documents of a YAML stream the way the API server decodes a manifest (sigs.k8s.io/yaml, YAML 1.1 as in
 * go-yaml v2): {@code y}, {@code no}, {@code on} are booleans, {@code 0x1F} and {@code 1_000} integers, quoted text is
 * always a string, and a key given twice is an error. Every value keeps the line and column it came from, so a problem
 * found later (by the CRD's schema, its CEL rules or the validator) points into the file.
 */
public final class TopologyFiles {

    /** Large files are fine (5 MB and more); this only stops a runaway input. */
    static final int CODE_POINT_LIMIT = 256 * 1024 * 1024;

    /** A place in a file, 1-based as editors count. */
    public record Location(int line, int column) {
        @Override
        public String toString() {
            return line + ":" + column;
        }
    }

    /** One document (or one item of a {@code kind: List}): plain JSON-like data and where each field path came from. */
    public record Document(String source, int index, int item, Object data, Map<String, Location> locations) {

        public Location locate(String fieldPath) {
            String path = fieldPath;
            while (true) {
                Location location = locations.get(path);
                if (location != null || path.isEmpty()) {
                    return location != null ? location : locations.get("");
                }
                int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
                path = cut < 0 ? "" : path.substring(0, cut);
            }
        }

        /** {@code file.yaml:12:7} for a field path (its nearest enclosing value that exists in the file). */
        public String at(String fieldPath) {
            Location location = locate(fieldPath);
            return source + (location == null ? "" : ":" + location);
        }

        @SuppressWarnings("unchecked")
        public String field(String... path) {
            Object node = data;
            for (String key : path) {
                node = node instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(key) : null;
            }
            return node == null ? "" : String.valueOf(node);
        }

        public String kind() {
            return field("kind");
        }

        public String apiVersion() {
            return field("apiVersion");
        }

        public String name() {
            return field("metadata", "name");
        }

        public String namespace() {
            return field("metadata", "namespace");
        }

        public boolean isTopology() {
            return NetworkTopology.KIND.equals(kind()) && apiVersion().startsWith(NetworkTopology.GROUP + "/");
        }

        /** {@code file.yaml (document 2, shop/shop)}. */
        public String label() {
            String what = name().isEmpty() ? "" : ", " + (namespace().isEmpty() ? "" : namespace() + "/") + name();
            return source + " (document " + (index + 1) + (item >= 0 ? " item " + (item + 1) : "") + what + ")";
        }
    }

    /** The stream could not be read as YAML: what and where. */
    public static final class SyntaxError extends Exception {
        public SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static final Resolver SNAKE = new Resolver();
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

    private TopologyFiles() {
    }

    /** Every document of the stream, {@code kind: List} unwrapped into its items; empty documents skipped. */
    public static List<Document> read(String source, Reader reader) throws SyntaxError, IOException {
        List<Document> documents = new ArrayList<>();
        read(source, reader, documents::add);
        return documents;
    }

    /**
     * Hands each document to {@code consumer} as soon as it is read, so a large stream needs the memory of one
     * document at a time, not of all of them.
     */
    public static void read(String source, Reader reader, java.util.function.Consumer<Document> consumer) throws SyntaxError, IOException {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(CODE_POINT_LIMIT);
        options.setAllowDuplicateKeys(false);
        options.setMergeOnCompose(true);
        Composer composer = new Composer(new ParserImpl(new StreamReader(reader), options), new Resolver(), options);
        int index = 0;
        try {
            while (composer.checkNode()) {
                Node node = composer.getNode();
                int document = index++;
                if (node == null) {
                    continue;
                }
                Map<String, Location> locations = new HashMap<>();
                Object data = convert(source, node, "", locations);
                if (data == null || (data instanceof Map<?, ?> m && m.isEmpty())) {
                    continue;
                }
                Document read = new Document(source, document, -1, data, locations);
                if ("List".equals(read.kind()) && data instanceof Map<?, ?> m && m.get("items") instanceof List<?> items) {
                    for (int i = 0; i < items.size(); i++) {
                        consumer.accept(new Document(source, document, i, items.get(i), itemLocations(locations, "items[" + i + "]")));
                    }
                } else {
                    consumer.accept(read);
                }
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? source : source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
            throw new SyntaxError(where + ": " + oneLine(e.getProblem() != null ? e.getProblem() : e.getContext()));
        } catch (YAMLException e) {
            if (e.getCause() instanceof IOException io) {
                throw io; // e.g. bytes that are not UTF-8: not a YAML problem
            }
            throw new SyntaxError(source + ": " + oneLine(e.getMessage()));
        }
    }

    /** The typed topology of a document that the schema has admitted. */
    public static NetworkTopology topology(Object data) {
        try {
            // Through JSON text, as the operator receives it (Fabric8's IntOrString reads only parser tokens).
            return MAPPER.readValue(MAPPER.writeValueAsBytes(data), NetworkTopology.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static Map<String, Location> itemLocations(Map<String, Location> locations, String prefix) {
        Map<String, Location> item = new HashMap<>();
        locations.forEach((path, location) -> {
            if (path.equals(prefix)) {
                item.put("", location);
            } else if (path.startsWith(prefix + ".")) {
                item.put(path.substring(prefix.length() + 1), location);
            } else if (path.startsWith(prefix + "[")) {
                item.put(path.substring(prefix.length()), location);
            }
        });
        return item;
    }

    private static Object convert(String source, Node node, String path, Map<String, Location> locations) {
        locations.put(path, new Location(node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1));
        if (node instanceof ScalarNode scalar) {
            return scalar(scalar);
        }
        if (node instanceof SequenceNode sequence) {
            List<Object> list = new ArrayList<>(sequence.getValue().size());
            for (Node item : sequence.getValue()) {
                list.add(convert(source, item, path + "[" + list.size() + "]", locations));
            }
            return list;
        }
        MappingNode mapping = (MappingNode) node;
        Map<String, Object> map = new LinkedHashMap<>();
        Map<String, Mark> seen = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (keyNode.getNodeId() != NodeId.scalar) {
                throw new MarkedYAMLException(null, null, "a key must be a plain value, not a list or a map", keyNode.getStartMark()) {
                };
            }
            Object key = scalar((ScalarNode) keyNode);
            String name = key == null ? "null" : String.valueOf(key);
            Mark first = seen.putIfAbsent(name, keyNode.getStartMark());
            if (first != null) {
                throw new MarkedYAMLException(null, null, "duplicate key \"" + name + "\" (first at line " + (first.getLine() + 1)
                        + "); the API server refuses it", keyNode.getStartMark()) {
                };
            }
            String field = path.isEmpty() ? name : path + "." + name;
            map.put(name, convert(source, tuple.getValueNode(), field, locations));
            // A field is shown where its key is, as compilers point at a declaration.
            locations.put(field, new Location(keyNode.getStartMark().getLine() + 1, keyNode.getStartMark().getColumn() + 1));
        }
        return map;
    }

    /** go-yaml v2's resolution of a scalar, then JSON's types: Long, Double, Boolean, String or null. */
    private static Object scalar(ScalarNode node) {
        String text = node.getValue();
        if (!node.isPlain()) {
            return text;
        }
        Tag tag = node.getTag();
        if (Tag.STR.equals(tag) && !Tag.STR.equals(SNAKE.resolve(NodeId.scalar, text, true))) {
            return text; // an explicit !!str on text that would otherwise not be a string
        }
        if (!Tag.STR.equals(tag) && !Tag.BOOL.equals(tag) && !Tag.INT.equals(tag) && !Tag.FLOAT.equals(tag)
                && !Tag.NULL.equals(tag) && !Tag.TIMESTAMP.equals(tag)) {
            return text;
        }
        switch (text) {
            case "", "~", "null", "Null", "NULL":
                return null;
            case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
                return Boolean.TRUE;
            case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
                return Boolean.FALSE;
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
                return Double.POSITIVE_INFINITY;
            case "-.inf", "-.Inf", "-.INF":
                return Double.NEGATIVE_INFINITY;
            case ".nan", ".NaN", ".NAN":
                return Double.NaN;
            default:
                break;
        }
        Long integer = integer(text.replace("_", ""));
        if (integer != null) {
            return integer;
        }
        String plain = text.replace("_", "");
        if (FLOAT.matcher(plain).matches()) {
            double d = Double.parseDouble(plain);
            // sigs.k8s.io/yaml turns a whole float into a JSON integer (80.0 -> 80).
            return d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15 ? (Object) (long) d : (Object) d;
        }
        return text;
    }

    /** Go's strconv.ParseInt(s, 0, 64): decimal, 0x hex, 0o or leading-0 octal, 0b binary, optional sign. */
    private static Long integer(String s) {
        if (s.isEmpty()) {
            return null;
        }
        boolean negative = s.charAt(0) == '-';
        String digits = s.charAt(0) == '-' || s.charAt(0) == '+' ? s.substring(1) : s;
        int radix = 10;
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            radix = 16;
            digits = digits.substring(2);
        } else if (digits.startsWith("0o") || digits.startsWith("0O")) {
            radix = 8;
            digits = digits.substring(2);
        } else if (digits.startsWith("0b") || digits.startsWith("0B")) {
            radix = 2;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.charAt(0) == '0') {
            radix = 8;
            digits = digits.substring(1);
        }
        if (digits.isEmpty()) {
            return null;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), radix) < 0) {
                return null;
            }
        }
        try {
            return Long.parseLong((negative ? "-" : "") + digits, radix);
        } catch (NumberFormatException e) {
            return null; // out of range: go-yaml falls through to a float
        }
    }

    /** The first line of a YAML parser's message, without the colon it ends with when more lines follow. */
    private static String oneLine(String message) {
        String first = message == null ? "cannot read YAML" : Cli.oneLine(message);
        return first.endsWith(":") ? first.substring(0, first.length() - 1) : first;
    }
}
