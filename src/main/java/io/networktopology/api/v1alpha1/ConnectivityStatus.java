package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.networktopology.api.ContentEquality;
import lombok.Getter;
import lombok.Setter;

/** What the last connectivity probe run found, path by path. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class ConnectivityStatus extends ContentEquality {

    @JsonPropertyDescription("When the last probe run finished (RFC 3339).")
    private String lastRun;

    @JsonPropertyDescription("The id of the last finished run (the networktopology.io/probe-run label of its pods).")
    private String lastRunId;

    @JsonPropertyDescription("The metadata.generation the last run probed.")
    private Long observedGeneration;

    @JsonPropertyDescription("The last networktopology.io/probe-now annotation value a run answered.")
    private String lastRequest;

    @JsonPropertyDescription("Checks passed out of those run, e.g. 17/18 passed.")
    private String summary;

    @JsonPropertyDescription("Why the last run could not probe everything (e.g. probe pods could not be created).")
    private String message;

    @JsonPropertyDescription("Which nodes the last run's probe pods ran on, and every other node with why not (cordoned, not Ready, "
            + "a taint, the probe node selector, outside the sample).")
    private String coverage;

    @JsonPropertyDescription("What the topology promises that the last run could not check, and why (a node cordoned or not Ready; "
            + "pod to pod across nodes with fewer than two nodes for probe pods). Not empty: ConnectivityVerified is at most VerifiedWithGaps.")
    private java.util.List<String> notChecked;

    @JsonPropertyDescription("One entry per check of the last run.")
    private java.util.List<CheckStatus> checks;
}
