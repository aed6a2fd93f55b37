package io.networktopology.status;

import io.fabric8.kubernetes.api.model.Service;
import io.networktopology.api.v1alpha1.ServiceSpec;

/**
 * What the operator found for one declared service.
 *
 * @param spec the declared service
 * @param actual the Service as last written or observed, or null when it does not exist (yet)
 * @param conflict why the Service belongs to someone else, or null when it is the topology's
 * @param readyEndpoints ready endpoints counted in the service's EndpointSlices; null when not applicable
 * @param refused why the API server refused the declared Service (what exists stays as it was), or null
 */
public record ServiceObservation(ServiceSpec spec, Service actual, String conflict, Integer readyEndpoints, String refused) {

    public ServiceObservation(ServiceSpec spec, Service actual, String conflict, Integer readyEndpoints) {
        this(spec, actual, conflict, readyEndpoints, null);
    }
}
