package io.networktopology.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.Objects;

/** When a check was last failing: from its first failure to the first pass after it (end unset while it lasts). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OutageWindow {

    @JsonPropertyDescription("First failed run of the outage (RFC 3339).")
    private String start;

    @JsonPropertyDescription("First passing run after it; unset while the outage lasts.")
    private String end;

    public String getStart() {
        return start;
    }

    public void setStart(String start) {
        this.start = start;
    }

    public String getEnd() {
        return end;
    }

    public void setEnd(String end) {
        this.end = end;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof OutageWindow that)) {
            return false;
        }
        return Objects.equals(start, that.start) && Objects.equals(end, that.end);
    }

    @Override
    public int hashCode() {
        return Objects.hash(start, end);
    }
}
