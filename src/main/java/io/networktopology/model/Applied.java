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

    /** The field managers of the operator's applies start with this. */
    public static final String FIELD_MANAGER = "networktopology-operator";
    /** Fingerprint of the configuration last applied to a child. */
    public static final String FINGERPRINT_ANNOTATION = "networktopology.io/applied";

    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final ObjectMapper SORTED = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private Applied() {
    }

    /**
     * The field manager of one topology's applies: its own, so that two topologies claiming one name conflict at the
     * API server instead of one silently taking over what the other created.
     */
    public static String fieldManager(String topologyUid) {
        return FIELD_MANAGER + "/" + topologyUid;
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
        return contains(JSON.convertValue(actual, JsonNode.class), JSON.convertValue(applied, JsonNode.class), "");
    }

    /**
     * Fields the API server replaces whole on apply ({@code +mapType=atomic}, {@code +listType=atomic}): an entry
     * someone else added is a change of the operator's field, not a field of its own, so they must be equal. Service
     * {@code ipFamilies} is atomic too, but a dual-stack cluster adds the second family itself. A Gateway API route's
     * lists have no list type in its CRD, which makes them atomic.
     */
    static final java.util.Set<String> ATOMIC = java.util.Set.of(".spec.selector", ".spec.loadBalancerSourceRanges", ".spec.rules",
            ".spec.tls", ".spec.defaultBackend", ".spec.parentRefs", ".spec.hostnames");

    static boolean contains(JsonNode have, JsonNode want, String path) {
        if (have == null || have.isNull()) {
            return want == null || want.isNull();
        }
        if (ATOMIC.contains(path)) {
            return contains(have, want, path + "/whole") && contains(want, have, path + "/whole");
        }
        if (want.isObject()) {
            if (!have.isObject()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = want.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!contains(have.get(field.getKey()), field.getValue(), path + "." + field.getKey())) {
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
                    found = contains(candidates.next(), element, path + "[]");
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
