package io.networktopology.status;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.networktopology.api.v1alpha1.IngressSpec;

/**
 * What the operator found for one declared ingress.
 *
 * @param spec the declared ingress
 * @param actual the Ingress as last written or observed (the topology's own), or null
 * @param conflict why it was not written (a foreign Ingress of that name, or a route another topology owns), or null
 * @param refused why the API server refused the declared Ingress (what exists stays as it was), or null
 */
public record IngressObservation(IngressSpec spec, Ingress actual, String conflict, String refused) {

    public IngressObservation(IngressSpec spec, Ingress actual, String conflict) {
        this(spec, actual, conflict, null);
    }
}
