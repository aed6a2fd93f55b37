package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.networktopology.api.ContentEquality;
import lombok.Getter;
import lombok.Setter;

/** When a check was last failing: from its first failure to the first pass after it (end unset while it lasts). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class OutageWindow extends ContentEquality {

    @JsonPropertyDescription("First failed run of the outage (RFC 3339).")
    private String start;

    @JsonPropertyDescription("First passing run after it; unset while the outage lasts.")
    private String end;
}
