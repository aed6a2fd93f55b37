package io.networktopology.model;

import io.networktopology.api.v1alpha1.HTTPRouteSpec;
import io.networktopology.model.GatewayRouteModel.Kind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayFeaturesTest {

    @Test
    void aRouteNeedsTheFeaturesOfWhatItUsesAndAClassThatSaidNothingIsNotHeldAgainstIt() {
        HTTPRouteSpec web = io.networktopology.Topologies.httpRoute("web", "gateways/edge", "shop.example.com", "/=web:80");
        assertThat(GatewayFeatures.used(Kind.HTTPRoute, web)).containsExactly("HTTPRoute");
        web.getRules().get(0).getMatches().get(0).setMethod(HTTPRouteSpec.HttpMethod.POST);
        HTTPRouteSpec.Filter redirect = new HTTPRouteSpec.Filter();
        redirect.setType(HTTPRouteSpec.FilterType.RequestRedirect);
        HTTPRouteSpec.Redirect to = new HTTPRouteSpec.Redirect();
        to.setScheme("https");
        to.setPort(8443);
        redirect.setRequestRedirect(to);
        HTTPRouteSpec.Filter response = new HTTPRouteSpec.Filter();
        response.setType(HTTPRouteSpec.FilterType.ResponseHeaderModifier);
        web.getRules().get(0).setFilters(List.of(redirect, response));
        assertThat(GatewayFeatures.used(Kind.HTTPRoute, web)).containsExactly("HTTPRoute", "HTTPRouteMethodMatching", "HTTPRoutePortRedirect",
                "HTTPRouteResponseHeaderModification", "HTTPRouteSchemeRedirect");
        var udp = io.networktopology.Topologies.streamRoute("dns", "gateways/edge", null, "dns:53");
        assertThat(GatewayFeatures.used(Kind.UDPRoute, udp)).containsExactly("UDPRoute");
        assertThat(GatewayFeatures.used(Kind.TCPRoute, udp)).as("no feature name for TCPRoute in v1.4").isEmpty();
        // What Traefik v3.6.12 lists on the real nodes: every feature above but the UDP route.
        List<String> traefik = List.of("BackendTLSPolicy", "GRPCRoute", "Gateway", "GatewayPort8080", "HTTPRoute", "HTTPRouteBackendProtocolH2C",
                "HTTPRouteBackendProtocolWebSocket", "HTTPRouteDestinationPortMatching", "HTTPRouteHostRewrite", "HTTPRouteMethodMatching",
                "HTTPRoutePathRedirect", "HTTPRoutePathRewrite", "HTTPRoutePortRedirect", "HTTPRouteQueryParamMatching",
                "HTTPRouteResponseHeaderModification", "HTTPRouteSchemeRedirect", "ReferenceGrant", "TLSRoute");
        assertThat(GatewayFeatures.missing(GatewayFeatures.used(Kind.HTTPRoute, web), traefik)).isEmpty();
        assertThat(GatewayFeatures.missing(GatewayFeatures.used(Kind.UDPRoute, udp), traefik)).containsExactly("UDPRoute");
        assertThat(GatewayFeatures.missing(GatewayFeatures.used(Kind.UDPRoute, udp), null)).as("the class said nothing").isEmpty();
    }
}
