package io.networktopology.api.v1alpha1;

import java.util.List;

/** A rule of a route of any kind: where its matching traffic goes. */
public interface RouteRule {

    /** The services of the topology the rule sends to (empty or null for a redirect). */
    List<RouteBackendRef> getBackendRefs();
}
