package io.networktopology.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration the operator applies (server-side apply) to a child, and whether a child still holds it.
 *
 * <p>Server-side apply merges: fields the operator does not send (cluster IPs and node ports the API server allocated,
 * a label or spec field another controller or an admin set) stay, and a field the operator sent before but no longer
 * sends is removed by the API server. To decide without a request whether an apply would change anything, the applied
 * configuration carries a fingerprint of itself in an annotation: a different fingerprint means the topology asks for
 * something else (including less), and a child that no longer contains every applied field means someone changed one
 * of the operator's fields.
 */
public final class Applied {

    /** The field manager of every apply, so the API server knows which fields are the operator's. */
    public static final String FIELD_MANAGER = "networktopology-operator";
    /** Fingerprint of the configuration last applied to a child. */
    public static final String FINGERPRINT_ANNOTATION = "networktopology.io/applied";

    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final ObjectMapper SORTED = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private Applied() {
    }

    /** The configuration to apply: a copy of {@code desired} with its owner and the fingerprint of both. */
    public static <R extends HasMetadata> R configuration(R desired, OwnerReference owner) {
        R copy = JSON.clone(desired);
        copy.getMetadata().setOwnerReferences(List.of(owner));
        Map<String, String> annotations = new LinkedHashMap<>(copy.getMetadata().getAnnotations() == null
                ? Map.of() : copy.getMetadata().getAnnotations());
        annotations.remove(FINGERPRINT_ANNOTATION);
        copy.getMetadata().setAnnotations(annotations.isEmpty() ? null : annotations);
        annotations.put(FINGERPRINT_ANNOTATION, fingerprint(copy));
        copy.getMetadata().setAnnotations(annotations);
        return copy;
    }

    /**
     * Whether applying {@code applied} to {@code actual} would change nothing: the same configuration was applied last,
     * and every field of it still has the applied value (lists: each applied element is still there).
     */
    public static boolean holds(HasMetadata applied, HasMetadata actual) {
        return contains(JSON.convertValue(actual, JsonNode.class), JSON.convertValue(applied, JsonNode.class));
    }

    static boolean contains(JsonNode have, JsonNode want) {
        if (have == null || have.isNull()) {
            return want == null || want.isNull();
        }
        if (want.isObject()) {
            if (!have.isObject()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = want.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!contains(have.get(field.getKey()), field.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (want.isArray()) {
            if (!have.isArray()) {
                return false;
            }
            for (JsonNode element : want) {
                boolean found = false;
                for (Iterator<JsonNode> candidates = have.elements(); candidates.hasNext() && !found;) {
                    found = contains(candidates.next(), element);
                }
                if (!found) {
                    return false;
                }
            }
            return true;
        }
        if (want.isNumber() && have.isNumber()) {
            return want.decimalValue().compareTo(have.decimalValue()) == 0;
        }
        return want.equals(have);
    }

    private static String fingerprint(HasMetadata configuration) {
        try {
            byte[] json = SORTED.writeValueAsString(JSON.convertValue(configuration, Map.class)).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json), 0, 12);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint " + configuration.getKind(), e);
        }
    }
}
