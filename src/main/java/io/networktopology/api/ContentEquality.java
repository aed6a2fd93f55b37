package io.networktopology.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Equality by content for the status classes: two values are equal when they serialize to the same JSON, so a field
 * added later can never be left out of the comparison that decides whether status is written.
 */
public abstract class ContentEquality {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    @Override
    public final boolean equals(Object other) {
        return this == other || (other != null && other.getClass() == getClass()
                && content().equals(((ContentEquality) other).content()));
    }

    @Override
    public final int hashCode() {
        return content().hashCode();
    }

    private JsonNode content() {
        return JSON.convertValue(this, JsonNode.class);
    }
}
