package io.networktopology.probe;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The outcome of one check, in the report's compact JSON form (r: P passed, F failed, S skipped; ms: latency). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeResult(@JsonProperty("id") String id, @JsonProperty("r") String result, @JsonProperty("ms") Long millis,
        @JsonProperty("m") String message) {

    public static final String PASSED = "P";
    public static final String FAILED = "F";
    public static final String SKIPPED = "S";
    /**
     * The start of the message of a check skipped because it does not apply to where it ran (a load balancer that admits
     * only other sources): not pending, unlike a check whose pod never ran, and not a failure.
     */
    public static final String NOT_APPLICABLE = io.networktopology.status.ConnectivityReport.NOT_APPLICABLE;

    public boolean passed() {
        return PASSED.equals(result);
    }

    ProbeResult withMessage(String newMessage) {
        return new ProbeResult(id, result, millis, newMessage);
    }
}
