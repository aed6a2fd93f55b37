package io.networktopology.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed. Written only by the operator, and only when it changes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkTopologyStatus {

    @JsonPropertyDescription("The metadata.generation of the spec this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Ready (the roll-up) and one condition per part of the topology.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Services in place out of those declared, e.g. 4/5.")
    private String servicesReady;

    @JsonPropertyDescription("One entry per declared service: addresses, DNS names and how traffic reaches it.")
    private List<ServiceStatus> services = new ArrayList<>();

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public String getServicesReady() {
        return servicesReady;
    }

    public void setServicesReady(String servicesReady) {
        this.servicesReady = servicesReady;
    }

    public List<ServiceStatus> getServices() {
        return services;
    }

    public void setServices(List<ServiceStatus> services) {
        this.services = services;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof NetworkTopologyStatus that)) {
            return false;
        }
        return Objects.equals(observedGeneration, that.observedGeneration) && Objects.equals(conditions, that.conditions)
                && Objects.equals(servicesReady, that.servicesReady) && Objects.equals(services, that.services);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, conditions, servicesReady, services);
    }
}
