package io.networktopology.probe;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Map;

/** A check's fields as the probe pod receives them (its wire JSON), whatever its kind: for tests that list mixed checks. */
public final class CheckFields {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckFields() {
    }

    /** The field's value (null when the check's kind has no such field or it is unset). */
    @SuppressWarnings("unchecked")
    public static Object field(ProbeCheck check, String name) {
        return ((Map<String, Object>) JSON.convertValue(check, Map.class)).get(name);
    }
}
