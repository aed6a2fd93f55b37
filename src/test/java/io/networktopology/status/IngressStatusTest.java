package io.networktopology.status;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder;
import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.IngressStatus;
import io.networktopology.api.v1alpha1.IngressTLSSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.NetworkTopologyStatus;
import io.networktopology.model.IngressModel;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.ingress;
import static io.networktopology.Topologies.topology;
import static io.networktopology.Topologies.withIngresses;
import static org.assertj.core.api.Assertions.assertThat;

class IngressStatusTest {

    private final TopologyStatusBuilder builder = new TopologyStatusBuilder("cluster.local");
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private NetworkTopologyStatus build(NetworkTopology topology, Ingress actual, String conflict) {
        topology.getMetadata().setGeneration(1L);
        IngressSpec spec = topology.getSpec().getIngresses().get(0);
        return builder.build(topology, new Observed(List.of(), List.of(new IngressObservation(spec, actual, conflict)), List.of(),
                Observed.Dns.NONE, Observed.Connectivity.NOT_WIRED), NOW);
    }

    @Test
    void awaitsTheControllersAddressThenIsReady() {
        IngressSpec shop = ingress("shop", "shop.example.com", "/=web:80");
        shop.setClassName("nginx");
        shop.setTls(List.of(new IngressTLSSpec(List.of("shop.example.com"), "tls")));
        NetworkTopology topology = withIngresses(topology("shop", "shop", clusterIp("web")), shop);
        Ingress actual = IngressModel.desiredIngresses(topology).get(0);

        NetworkTopologyStatus waiting = build(topology, actual, null);
        var condition = ConditionList.find(waiting.getConditions(), "IngressesReady");
        assertThat(condition.getStatus()).isEqualTo("False");
        assertThat(condition.getReason()).isEqualTo("AwaitingAddress");
        assertThat(condition.getMessage()).isEqualTo("shop: waiting for the ingress controller of class nginx to publish an address");
        assertThat(ConditionList.find(waiting.getConditions(), "Ready").getReason()).isEqualTo("AwaitingAddress");
        assertThat(waiting.getIngressesReady()).isEqualTo("0/1");

        actual.setStatus(new IngressStatusBuilder().withNewLoadBalancer().addNewIngress().withHostname("lb.example.net").endIngress()
                .endLoadBalancer().build());
        NetworkTopologyStatus ready = build(topology, actual, null);
        IngressStatus status = ready.getIngresses().get(0);
        assertThat(status.getState()).isEqualTo(IngressStatus.State.Ready);
        assertThat(status.getAddresses()).containsExactly("lb.example.net");
        assertThat(status.getHosts()).containsExactly("shop.example.com");
        assertThat(status.getUrls()).containsExactly("https://shop.example.com/");
        assertThat(ConditionList.find(ready.getConditions(), "Ready").getStatus()).isEqualTo("True");
    }

    @Test
    void aTlsHostNoRuleServesIsAWarningNotAFailure() {
        IngressSpec shop = ingress("shop", "shop.example.com", "/=web:80");
        shop.setTls(List.of(new IngressTLSSpec(List.of("www.example.com"), "tls")));
        NetworkTopology topology = withIngresses(topology("shop", "shop", clusterIp("web")), shop);
        Ingress actual = IngressModel.desiredIngresses(topology).get(0);
        actual.setStatus(new IngressStatusBuilder().withNewLoadBalancer().addNewIngress().withIp("203.0.113.9").endIngress()
                .endLoadBalancer().build());
        var condition = ConditionList.find(build(topology, actual, null).getConditions(), "IngressesReady");
        assertThat(condition.getStatus()).isEqualTo("True");
        assertThat(condition.getMessage()).contains("warning: shop: TLS host(s) www.example.com match no rule of this ingress");
    }

    @Test
    void aConflictIsNotReady() {
        NetworkTopology topology = withIngresses(topology("shop", "shop", clusterIp("web")), ingress("shop", "a.example.com", "/=web:80"));
        NetworkTopologyStatus status = build(topology, null, "route a.example.com/ is already routed by topology first (ingress x); this ingress was not written");
        var condition = ConditionList.find(status.getConditions(), "IngressesReady");
        assertThat(condition.getReason()).isEqualTo("IngressConflict");
        assertThat(condition.getMessage()).startsWith("shop: route a.example.com/ is already routed by topology first");
        assertThat(status.getIngresses().get(0).getState()).isEqualTo(IngressStatus.State.Conflict);
    }
}
