package io.networktopology.status;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.networktopology.model.GatewayRouteModel.Kind;

/**
 * What the operator found for one declared Gateway API route.
 *
 * @param kind the route's kind
 * @param name the declared name
 * @param actual the route as last written or observed (the topology's own), or null
 * @param conflict why it was not written (a foreign route of that name, or a hostname another topology owns), or null
 * @param refused why the API server refused it (what exists stays as it was), or null
 * @param notInstalled the cluster does not serve this kind: what to install, or null
 * @param unsupported what the route uses that a GatewayClass of its Gateways does not claim to support, or null
 */
public record RouteObservation(Kind kind, String name, java.util.List<String> gateways, GenericKubernetesResource actual,
        String conflict, String refused, String notInstalled, String unsupported) {

    public RouteObservation(Kind kind, String name, java.util.List<String> gateways, GenericKubernetesResource actual,
            String conflict, String refused, String notInstalled) {
        this(kind, name, gateways, actual, conflict, refused, notInstalled, null);
    }
}
