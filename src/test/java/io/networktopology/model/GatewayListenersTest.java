package io.networktopology.model;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.networktopology.api.v1alpha1.RouteParentRef;
import io.networktopology.model.GatewayListeners.Listener;
import io.networktopology.model.GatewayRouteModel.Kind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayListenersTest {

    /** A Gateway as Traefik leaves it: four listeners, node1's address, the kinds each listener takes in its status. */
    static final GenericKubernetesResource GATEWAY = Serialization.unmarshal("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: shared, namespace: traefik}
            spec:
              gatewayClassName: traefik
              listeners:
              - {name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}
              - {name: https, protocol: HTTPS, port: 443, tls: {mode: Terminate, certificateRefs: [{name: gateway-tls}]}, allowedRoutes: {namespaces: {from: All}}}
              - {name: tls, protocol: TLS, port: 8443, tls: {mode: Passthrough}, allowedRoutes: {namespaces: {from: All}}}
              - {name: internal, protocol: HTTP, port: 80, hostname: "*.internal.test"}
            status:
              addresses: [{type: IPAddress, value: 10.99.0.1}]
              listeners:
              - {name: http, supportedKinds: [{kind: HTTPRoute}, {kind: GRPCRoute}]}
              - {name: tls, supportedKinds: [{kind: TCPRoute}, {kind: TLSRoute}]}
            """, GenericKubernetesResource.class);

    @Test
    void aGatewaysListenersCarryItsPublishedAddressesAndWhatTheyTake() {
        List<Listener> listeners = GatewayListeners.of(GATEWAY);
        assertThat(listeners).extracting(Listener::name).containsExactly("http", "https", "tls", "internal");
        assertThat(listeners).allSatisfy(l -> assertThat(l.addresses()).containsExactly("10.99.0.1"));
        assertThat(listeners.get(0).kinds()).containsExactly("HTTPRoute", "GRPCRoute");
        assertThat(listeners.get(1).kinds()).as("not said by the controller yet").isNull();
        assertThat(listeners.get(1).tls()).isTrue();
        assertThat(listeners.get(2).passthrough()).isTrue();
        assertThat(listeners.get(3).hostname()).isEqualTo("*.internal.test");
        assertThat(GatewayListeners.of(null)).isEmpty();
    }

    @Test
    void aRouteAttachesToTheListenersItsParentRefNamesThatTakeItsKind() {
        List<Listener> listeners = GatewayListeners.of(GATEWAY);
        RouteParentRef whole = new RouteParentRef("shared", "traefik", null, null);
        assertThat(GatewayListeners.attached(Kind.HTTPRoute, whole, listeners, "traefik")).extracting(Listener::name).containsExactly("http", "https", "internal");
        // internal admits the routes of the Gateway's own namespace only (allowedRoutes defaults to Same).
        assertThat(GatewayListeners.attached(Kind.HTTPRoute, whole, listeners, "shop")).extracting(Listener::name).containsExactly("http", "https");
        assertThat(GatewayListeners.attached(Kind.TLSRoute, whole, listeners, "shop")).extracting(Listener::name).containsExactly("tls");
        assertThat(GatewayListeners.attached(Kind.TCPRoute, whole, listeners, "shop")).extracting(Listener::name).containsExactly("tls");
        assertThat(GatewayListeners.attached(Kind.UDPRoute, whole, listeners, "shop")).isEmpty();
        assertThat(GatewayListeners.attached(Kind.HTTPRoute, new RouteParentRef("shared", "traefik", "https", null), listeners, "shop"))
                .extracting(Listener::name).containsExactly("https");
        assertThat(GatewayListeners.attached(Kind.HTTPRoute, new RouteParentRef("shared", "traefik", null, 443), listeners, "shop"))
                .extracting(Listener::name).containsExactly("https");
        assertThat(GatewayListeners.attached(Kind.HTTPRoute, new RouteParentRef("shared", "traefik", "nope", null), listeners, "shop")).isEmpty();
    }

    @Test
    void aRouteHostnameIsAskedForByANameBothItAndTheListenerCover() {
        Listener any = new Listener("traefik/shared", "http", "HTTP", 80, null, false, null, List.of("10.99.0.1"));
        Listener internal = new Listener("traefik/shared", "internal", "HTTP", 80, "*.internal.test", false, null, List.of("10.99.0.1"));
        Listener narrow = new Listener("traefik/shared", "shop", "HTTP", 80, "*.eu.shop.test", false, null, List.of("10.99.0.1"));
        assertThat(GatewayListeners.probeName("shop.example.com", any)).isEqualTo("shop.example.com");
        assertThat(GatewayListeners.probeName("*.tenants.example.com", any)).isEqualTo("probe.tenants.example.com");
        assertThat(GatewayListeners.probeName("app.internal.test", internal)).isEqualTo("app.internal.test");
        assertThat(GatewayListeners.probeName("shop.example.com", internal)).as("not a name the listener serves").isNull();
        assertThat(GatewayListeners.probeName("*.shop.test", narrow)).as("the listener's narrower wildcard").isEqualTo("probe.eu.shop.test");
        assertThat(GatewayListeners.probeName(null, internal)).isEqualTo("probe.internal.test");
        assertThat(GatewayListeners.probeName(null, any)).isNull();
        assertThat(GatewayListeners.anyName(null, any)).isTrue();
        assertThat(GatewayListeners.anyName(List.of("shop.example.com"), any)).isFalse();
        assertThat(GatewayListeners.covers("*.example.com", "example.com")).as("a wildcard needs a label more").isFalse();
    }
}
