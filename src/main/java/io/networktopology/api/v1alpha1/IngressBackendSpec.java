package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.IntOrString;
import lombok.Getter;
import lombok.Setter;

/** Where an ingress path sends traffic: a service declared in the same topology, and one of its ports. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class IngressBackendSpec {

    @JsonPropertyDescription("Name of a service declared in this topology's spec.services.")
    @Required
    @Size(min = 1, max = 63)
    private String service;

    @JsonPropertyDescription("The service's port: its number, or its name.")
    @Required
    // No CEL rule here: the API server's cost estimate refuses any rule on an int-or-string (its string has no
    // length bound), so the range and name syntax are checked by the reconciler.
    private IntOrString port;

    public IngressBackendSpec() {
    }

    public IngressBackendSpec(String service, IntOrString port) {
        this.service = service;
        this.port = port;
    }
}
