package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.IntOrString;
import lombok.Getter;
import lombok.Setter;

/** Where a route sends traffic (Gateway API {@code backendRefs}): a service of the same topology, one of its ports, a weight. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class RouteBackendRef {

    @JsonPropertyDescription("Name of a service declared in this topology's spec.services.")
    @Required
    @Size(min = 1, max = 63)
    private String name;

    @JsonPropertyDescription("The service's port: its number, or its name (the route is written with the number).")
    @Required
    // As for ingress backends: no CEL rule on an int-or-string (the API server's cost estimate refuses it).
    private IntOrString port;

    @JsonPropertyDescription("Share of the requests (or connections) for this backend, relative to the rule's other backends; 0 sends none.")
    @Default("1")
    @Min(0)
    @Max(1000000)
    private Integer weight;

    public RouteBackendRef() {
    }

    public RouteBackendRef(String name, IntOrString port, Integer weight) {
        this.name = name;
        this.port = port;
        this.weight = weight;
    }

    public int effectiveWeight() {
        return weight == null ? 1 : weight;
    }
}
