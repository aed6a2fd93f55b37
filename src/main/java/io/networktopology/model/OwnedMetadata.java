package io.networktopology.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The labels and annotations the operator puts on a child, kept apart from everyone else's: the keys that came from
 * the topology's spec are remembered in an annotation, so removing one from the spec removes exactly that one.
 */
public final class OwnedMetadata {

    /** Which label and annotation keys on a child came from the topology's spec. */
    public static final String OWNED_KEYS_ANNOTATION = "networktopology.io/owned-metadata";

    private OwnedMetadata() {
    }

    /** The bookkeeping value for a desired object: "labels=a,b;annotations=c". */
    public static String ownedKeys(ObjectMeta desired) {
        TreeSet<String> labels = new TreeSet<>(orEmpty(desired.getLabels()).keySet());
        labels.removeIf(ChildLabels::isReserved);
        TreeSet<String> annotations = new TreeSet<>(orEmpty(desired.getAnnotations()).keySet());
        annotations.remove(OWNED_KEYS_ANNOTATION);
        return "labels=" + String.join(",", labels) + ";annotations=" + String.join(",", annotations);
    }

    /** Sets the bookkeeping annotation on (a copy of the metadata of) a desired object. */
    public static void recordOwnedKeys(ObjectMeta desired) {
        Map<String, String> annotations = new LinkedHashMap<>(orEmpty(desired.getAnnotations()));
        annotations.put(OWNED_KEYS_ANNOTATION, ownedKeys(desired));
        desired.setAnnotations(annotations);
    }

    /** Whether the actual object carries every desired label and annotation, and the same bookkeeping. */
    public static boolean matches(ObjectMeta desired, ObjectMeta actual) {
        return containsAll(actual.getLabels(), desired.getLabels())
                && containsAll(actual.getAnnotations(), withoutBookkeeping(desired.getAnnotations()))
                && Objects.equals(orEmpty(actual.getAnnotations()).get(OWNED_KEYS_ANNOTATION), ownedKeys(desired));
    }

    /**
     * Merges desired labels and annotations into a copy of the actual metadata: keys the spec owned before but no
     * longer declares are removed, everyone else's keys stay.
     */
    public static void merge(ObjectMeta target, ObjectMeta desired, HasMetadata actual) {
        target.setLabels(mergeOwned(target.getLabels(), desired.getLabels(), previouslyOwned(actual, "labels")));
        Map<String, String> annotations = new LinkedHashMap<>(orEmpty(desired.getAnnotations()));
        annotations.put(OWNED_KEYS_ANNOTATION, ownedKeys(desired));
        target.setAnnotations(mergeOwned(target.getAnnotations(), annotations, previouslyOwned(actual, "annotations")));
    }

    private static List<String> previouslyOwned(HasMetadata actual, String part) {
        String owned = orEmpty(actual.getMetadata().getAnnotations()).get(OWNED_KEYS_ANNOTATION);
        if (owned == null) {
            return List.of();
        }
        for (String section : owned.split(";")) {
            if (section.startsWith(part + "=")) {
                String keys = section.substring(part.length() + 1);
                return keys.isEmpty() ? List.of() : Arrays.asList(keys.split(","));
            }
        }
        return List.of();
    }

    private static Map<String, String> mergeOwned(Map<String, String> actual, Map<String, String> desired,
            List<String> previouslyOwned) {
        Map<String, String> merged = new LinkedHashMap<>(orEmpty(actual));
        previouslyOwned.forEach(merged::remove);
        merged.putAll(orEmpty(desired));
        return merged.isEmpty() ? null : merged;
    }

    private static Map<String, String> withoutBookkeeping(Map<String, String> annotations) {
        Map<String, String> copy = new LinkedHashMap<>(orEmpty(annotations));
        copy.remove(OWNED_KEYS_ANNOTATION);
        return copy;
    }

    private static boolean containsAll(Map<String, String> have, Map<String, String> want) {
        Map<String, String> h = orEmpty(have);
        return orEmpty(want).entrySet().stream().allMatch(e -> Objects.equals(h.get(e.getKey()), e.getValue()));
    }

    static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
