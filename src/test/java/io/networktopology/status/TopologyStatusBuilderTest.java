package io.networktopology.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.NetworkTopologyStatus;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceStatus;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.model.ServiceModel;
import io.networktopology.model.SpecProblem;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.externalName;
import static io.networktopology.Topologies.port;
import static io.networktopology.Topologies.service;
import static io.networktopology.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;

class TopologyStatusBuilderTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2026-01-01T01:00:00Z");
    private final TopologyStatusBuilder builder = new TopologyStatusBuilder("cluster.local");

    private NetworkTopologyStatus build(NetworkTopology topology, List<ServiceObservation> services, java.time.Instant now) {
        return builder.build(topology, Observed.services(services), now);
    }

    private static Service allocated(ServiceSpec spec, String ip) {
        Service s = ServiceModel.desiredService(spec, "shop", "shop");
        if (ip != null) {
            s.getSpec().setClusterIP(ip);
            s.getSpec().setClusterIPs(List.of(ip));
        }
        return s;
    }

    private static NetworkTopology withGeneration(NetworkTopology t, long generation) {
        t.getMetadata().setGeneration(generation);
        return t;
    }

    @Test
    void readyTopologyReportsAddressesNamesAndPaths() {
        ServiceSpec web = clusterIp("web");
        NetworkTopology topology = withGeneration(topology("shop", "shop", web), 3);
        NetworkTopologyStatus status = build(topology,
                List.of(new ServiceObservation(web, allocated(web, "10.96.3.4"), null, 3)), T0);

        assertThat(status.getObservedGeneration()).isEqualTo(3L);
        assertThat(status.getServicesReady()).isEqualTo("1/1");
        assertThat(status.getConditions()).extracting(Condition::getType, Condition::getStatus, Condition::getReason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Ready", "True", "TopologyReady"),
                        org.assertj.core.groups.Tuple.tuple("ServicesReady", "True", "AllServicesReady"),
                        org.assertj.core.groups.Tuple.tuple("IngressesReady", "True", "AllIngressesReady"),
                        org.assertj.core.groups.Tuple.tuple("DnsConfigured", "True", "NoDnsEntries"));
        assertThat(status.getConditions()).allSatisfy(c -> {
            assertThat(c.getObservedGeneration()).isEqualTo(3L);
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
        });
        ServiceStatus s = status.getServices().get(0);
        assertThat(s.getState()).isEqualTo(ServiceStatus.State.Ready);
        assertThat(s.getClusterIPs()).containsExactly("10.96.3.4");
        assertThat(s.getFqdn()).isEqualTo("web.shop.svc.cluster.local");
        assertThat(s.getSrvNames()).containsExactly("_http._tcp.web.shop.svc.cluster.local");
        assertThat(s.getPtrNames()).containsExactly("4.3.96.10.in-addr.arpa");
        assertThat(s.getReadyEndpoints()).isEqualTo(3);
        assertThat(s.getPath()).isEqualTo("web.shop.svc.cluster.local:80 → ClusterIP 10.96.3.4:80 → pods app=web :8080");
    }

    @Test
    void theSameObservationsGiveAnEqualStatusAndKeepTransitionTimes() {
        ServiceSpec web = clusterIp("web");
        NetworkTopology topology = withGeneration(topology("shop", "shop", web), 1);
        List<ServiceObservation> observations = List.of(new ServiceObservation(web, allocated(web, "10.96.3.4"), null, 1));
        NetworkTopologyStatus first = build(topology, observations, T0);
        topology.setStatus(first);
        NetworkTopologyStatus second = build(topology, observations, T1);
        assertThat(second).as("nothing changed, so nothing to write").isEqualTo(first);
    }

    @Test
    void transitionTimeMovesOnlyWhenStatusFlips() {
        ServiceSpec lb = service("lb", ServiceType.LoadBalancer, port("https", 443, 8443));
        NetworkTopology topology = withGeneration(topology("shop", "shop", lb), 1);
        Service pending = allocated(lb, "10.96.0.20");
        NetworkTopologyStatus waiting = build(topology, List.of(new ServiceObservation(lb, pending, null, 0)), T0);
        assertThat(ConditionList.find(waiting.getConditions(), "Ready").getReason()).isEqualTo("AwaitingAddress");
        assertThat(waiting.getServices().get(0).getState()).isEqualTo(ServiceStatus.State.AwaitingAddress);
        assertThat(waiting.getServicesReady()).isEqualTo("0/1");

        topology.setStatus(waiting);
        Service assigned = allocated(lb, "10.96.0.20");
        assigned.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder().withNewLoadBalancer()
                .withIngress(new LoadBalancerIngressBuilder().withIp("203.0.113.7").build()).endLoadBalancer().build());
        NetworkTopologyStatus ready = build(topology, List.of(new ServiceObservation(lb, assigned, null, 2)), T1);
        Condition readyCondition = ConditionList.find(ready.getConditions(), "Ready");
        assertThat(readyCondition.getStatus()).isEqualTo("True");
        assertThat(readyCondition.getLastTransitionTime()).isEqualTo("2026-01-01T01:00:00Z");
        assertThat(ready.getServices().get(0).getLoadBalancerAddresses()).containsExactly("203.0.113.7");
        assertThat(ready.getServices().get(0).getPath()).startsWith("203.0.113.7:443 → nodeIP:<pending> → ClusterIP 10.96.0.20:443");
    }

    @Test
    void aConflictIsNotReadyAndNamesTheService() {
        ServiceSpec web = clusterIp("web");
        NetworkTopology topology = withGeneration(topology("shop", "shop", web, externalName("pay", "pay.example.com")), 1);
        NetworkTopologyStatus status = build(topology, List.of(
                new ServiceObservation(web, null, "Service web already exists and was not created by this topology", null),
                new ServiceObservation(topology.getSpec().getServices().get(1),
                        ServiceModel.desiredService(topology.getSpec().getServices().get(1), "shop", "shop"), null, null)), T0);
        Condition ready = ConditionList.find(status.getConditions(), "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("ServiceConflict");
        assertThat(ready.getMessage()).contains("web: Service web already exists");
        assertThat(status.getServices().get(0).getState()).isEqualTo(ServiceStatus.State.Conflict);
        assertThat(status.getServices().get(0).getClusterIPs()).isNull();
        assertThat(status.getServices().get(1).getExternalName()).isEqualTo("pay.example.com");
        assertThat(status.getServicesReady()).isEqualTo("1/2");
    }

    @Test
    void anInvalidSpecKeepsTheLastReportedServicesAndListsEveryProblem() {
        ServiceSpec web = clusterIp("web");
        NetworkTopology topology = withGeneration(topology("shop", "shop", web), 1);
        topology.setStatus(build(topology, List.of(new ServiceObservation(web, allocated(web, "10.96.3.4"), null, 1)), T0));
        withGeneration(topology, 2);
        NetworkTopologyStatus invalid = builder.invalid(topology, List.of(
                new SpecProblem("spec.services[0].ports[0].port", "must be between 1 and 65535, got 0"),
                new SpecProblem("spec.services[1].name", "required")), T1);
        assertThat(invalid.getObservedGeneration()).isEqualTo(2L);
        assertThat(invalid.getServices()).isEqualTo(topology.getStatus().getServices());
        Condition ready = ConditionList.find(invalid.getConditions(), "Ready");
        assertThat(ready.getReason()).isEqualTo("InvalidSpec");
        assertThat(ready.getMessage()).isEqualTo("ServicesReady: 2 problems in spec.services; nothing was changed: "
                + "spec.services[0].ports[0].port: must be between 1 and 65535, got 0; spec.services[1].name: required");
    }

    @Test
    void aFailedReconcileKeepsWhatWasObservedAndSaysWhyInReady() {
        ServiceSpec web = clusterIp("web");
        NetworkTopology topology = withGeneration(topology("shop", "shop", web), 1);
        topology.setStatus(build(topology, List.of(new ServiceObservation(web, allocated(web, "10.96.3.4"), null, 1)), T0));
        withGeneration(topology, 2);
        NetworkTopologyStatus failed = builder.failed(topology, new IllegalStateException("connection refused"), T1);
        assertThat(failed.getObservedGeneration()).as("generation 2 was not observed").isEqualTo(1L);
        assertThat(failed.getServices()).isEqualTo(topology.getStatus().getServices());
        Condition ready = ConditionList.find(failed.getConditions(), "Ready");
        assertThat(ready.getReason()).isEqualTo("ReconcileFailed");
        assertThat(ready.getMessage()).isEqualTo("reconcile failed, retrying: connection refused");
        assertThat(ConditionList.find(failed.getConditions(), "ServicesReady").getStatus()).isEqualTo("True");
    }

    @Test
    void noEndpointsIsReportedButDoesNotBlockReadiness() {
        ServiceSpec web = clusterIp("web");
        NetworkTopology topology = withGeneration(topology("shop", "shop", web), 1);
        NetworkTopologyStatus status = build(topology, List.of(new ServiceObservation(web, allocated(web, "10.96.3.4"), null, null)), T0);
        assertThat(status.getServices().get(0).getReadyEndpoints()).isZero();
        assertThat(status.getServices().get(0).getMessage()).contains("no ready endpoints");
        assertThat(ConditionList.find(status.getConditions(), "ServicesReady").getMessage())
                .isEqualTo("1 service in place; no ready endpoints yet for web");
    }
}
