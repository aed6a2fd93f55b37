package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import lombok.Getter;
import lombok.Setter;

import java.util.List;

/** Which network paths the topology's connectivity probes check, and how often. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class ProbesSpec {

    /** The paths of the Kubernetes networking model a probe can check. */
    public enum ProbePath {
        ContainerToContainer, PodToPod, PodToService, ExternalToService, NodeToNode, DNS
    }

    @JsonPropertyDescription("Run connectivity probes for this topology (default true).")
    private Boolean enabled;

    @JsonPropertyDescription("How often the probes run, e.g. 5m, 90s, 1h.")
    @Default("5m")
    @Pattern("^([0-9]+(s|m|h))+$")
    @Size(max = 16)
    @io.fabric8.generator.annotation.ValidationRule(value = "duration(self) >= duration('30s')",
            message = "must be at least 30s (each run starts pods)", reason = "FieldValueInvalid")
    private String interval;

    @JsonPropertyDescription("Paths to check; all but NodeToNode by default.")
    @Size(max = 6)
    private List<ProbePath> paths;

    @JsonPropertyDescription("Also check node to node with hostNetwork probe pods (needs a namespace that allows them).")
    private Boolean nodeToNode;

    @JsonPropertyDescription("Consecutive failures before a check turns ConnectivityVerified False.")
    @Default("2")
    @Min(1)
    @Max(10)
    private Integer failureThreshold;

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isOn() {
        return !Boolean.FALSE.equals(enabled);
    }

    /** The interval as a Duration (the schema admits only sums of s, m and h). */
    public java.time.Duration intervalDuration() {
        String text = interval == null || interval.isBlank() ? "5m" : interval;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)([smh])").matcher(text);
        java.time.Duration total = java.time.Duration.ZERO;
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "s" -> java.time.Duration.ofSeconds(n);
                case "m" -> java.time.Duration.ofMinutes(n);
                default -> java.time.Duration.ofHours(n);
            });
        }
        return total.isZero() ? java.time.Duration.ofMinutes(5) : total;
    }

    public int effectiveFailureThreshold() {
        return failureThreshold == null ? 2 : failureThreshold;
    }

    /** The paths to check: as declared, else every path; NodeToNode only with nodeToNode: true (hostNetwork pods). */
    public List<ProbePath> effectivePaths() {
        List<ProbePath> declared = paths != null && !paths.isEmpty() ? paths : List.of(ProbePath.values());
        return declared.stream().filter(p -> p != ProbePath.NodeToNode || Boolean.TRUE.equals(nodeToNode)).toList();
    }
}
