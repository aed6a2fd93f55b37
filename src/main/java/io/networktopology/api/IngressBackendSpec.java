package io.networktopology.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

/** Where an ingress path sends traffic: a service declared in the same topology, and one of its ports. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IngressBackendSpec {

    @JsonPropertyDescription("Name of a service declared in this topology's spec.services.")
    @Required
    @Size(min = 1, max = 63)
    private String service;

    @JsonPropertyDescription("The service's port: its number, or its name.")
    @Required
    @ValidationRule(value = "type(self) == int ? (self >= 1 && self <= 65535) : (size(self) >= 1 && size(self) <= 63)",
            message = "port must be a port number from 1 to 65535 or a port name")
    private IntOrString port;

    public IngressBackendSpec() {
    }

    public IngressBackendSpec(String service, IntOrString port) {
        this.service = service;
        this.port = port;
    }

    public String getService() {
        return service;
    }

    public void setService(String service) {
        this.service = service;
    }

    public IntOrString getPort() {
        return port;
    }

    public void setPort(IntOrString port) {
        this.port = port;
    }
}
