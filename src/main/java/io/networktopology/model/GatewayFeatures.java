package io.networktopology.model;

import io.networktopology.api.v1alpha1.HTTPRouteSpec;
import io.networktopology.api.v1alpha1.RouteSpec;
import io.networktopology.model.GatewayRouteModel.Kind;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Gateway API features a route uses, by the names a GatewayClass lists in {@code status.supportedFeatures}
 * (Gateway API v1.4's {@code pkg/features}): a Gateway may accept a route and ignore what its implementation does not
 * support, so what a route needs is compared with what its Gateway's class claims. Pure.
 */
public final class GatewayFeatures {

    private GatewayFeatures() {
    }

    /** The features {@code route} needs (TCP routes have no feature name in v1.4: none). */
    public static Set<String> used(Kind kind, RouteSpec route) {
        Set<String> used = new TreeSet<>();
        switch (kind) {
            case HTTPRoute -> {
                used.add("HTTPRoute");
                for (HTTPRouteSpec.Rule rule : ((HTTPRouteSpec) route).getRules() == null ? List.<HTTPRouteSpec.Rule>of() : ((HTTPRouteSpec) route).getRules()) {
                    if (rule.getMatches() != null && rule.getMatches().stream().anyMatch(m -> m.getMethod() != null)) {
                        used.add("HTTPRouteMethodMatching");
                    }
                    for (HTTPRouteSpec.Filter filter : rule.getFilters() == null ? List.<HTTPRouteSpec.Filter>of() : rule.getFilters()) {
                        if (filter.getType() == HTTPRouteSpec.FilterType.ResponseHeaderModifier) {
                            used.add("HTTPRouteResponseHeaderModification");
                        }
                        HTTPRouteSpec.Redirect redirect = filter.getRequestRedirect();
                        if (filter.getType() == HTTPRouteSpec.FilterType.RequestRedirect && redirect != null) {
                            if (redirect.getPort() != null) {
                                used.add("HTTPRoutePortRedirect");
                            }
                            if (redirect.getScheme() != null) {
                                used.add("HTTPRouteSchemeRedirect");
                            }
                        }
                    }
                }
            }
            case GRPCRoute -> used.add("GRPCRoute");
            case TLSRoute -> used.add("TLSRoute");
            case UDPRoute -> used.add("UDPRoute");
            case TCPRoute -> {
            }
        }
        return used;
    }

    /** What {@code used} has that {@code supported} (a class's list) lacks; nothing when the class said nothing (null). */
    public static List<String> missing(Set<String> used, List<String> supported) {
        return supported == null ? List.of() : used.stream().filter(f -> !supported.contains(f)).toList();
    }
}
