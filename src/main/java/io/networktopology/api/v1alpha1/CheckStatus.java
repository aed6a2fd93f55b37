package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.networktopology.api.ContentEquality;
import lombok.Getter;
import lombok.Setter;

/** The latest result of one connectivity check, with its history. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class CheckStatus extends ContentEquality {

    /** The outcome of a check. */
    public enum Result {
        Passed, Failed, Skipped
    }

    @JsonPropertyDescription("Stable identifier of the check.")
    private String id;

    @JsonPropertyDescription("The network path: ContainerToContainer, PodToPod, PodToService, ExternalToService, NodeToNode or DNS.")
    private String path;

    @JsonPropertyDescription("Where the check ran from.")
    private String from;

    @JsonPropertyDescription("What it reached for.")
    private String to;

    @JsonPropertyDescription("Passed, Failed or Skipped.")
    private Result result;

    @JsonPropertyDescription("How long the check took, in milliseconds.")
    private Long latencyMs;

    @JsonPropertyDescription("What the probe saw.")
    private String message;

    @JsonPropertyDescription("What the NetworkPolicies do to the check's path, when some select its pods: the policy that blocks it "
            + "and why, or that they allow it (a failure is then the network's, not a policy's).")
    private String policy;

    @JsonPropertyDescription("Failed runs in a row (0 when the last run passed).")
    private Integer consecutiveFailures;

    @JsonPropertyDescription("When the result last changed between passing and failing (RFC 3339).")
    private String lastTransitionTime;

    @JsonPropertyDescription("The last time this check was failing.")
    private OutageWindow lastOutage;
}
