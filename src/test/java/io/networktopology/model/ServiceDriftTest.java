package io.networktopology.model;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.networktopology.api.ServiceSpec;
import io.networktopology.api.ServiceType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.port;
import static io.networktopology.Topologies.service;
import static org.assertj.core.api.Assertions.assertThat;

class ServiceDriftTest {

    private static Service desired(ServiceSpec spec) {
        return ServiceModel.desiredService(spec, "shop", "shop");
    }

    /** What a real API server returns after creating the desired Service: allocations, defaults, others' metadata. */
    private static Service asDefaultedByTheApiServer(Service desired) {
        Service s = new ServiceBuilder(ServiceDrift.withOwnedKeys(desired))
                .editMetadata()
                    .withResourceVersion("42").withUid("u-1")
                    .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{}")
                    .addToLabels("added-by", "someone-else")
                .endMetadata()
                .build();
        var spec = s.getSpec();
        if (!"ExternalName".equals(spec.getType())) {
            if (spec.getClusterIP() == null) {
                spec.setClusterIP("10.96.0.10");
                spec.setClusterIPs(List.of("10.96.0.10"));
            } else {
                spec.setClusterIPs(List.of("None"));
            }
            spec.setIpFamilies(List.of("IPv4"));
            spec.setIpFamilyPolicy("SingleStack");
        }
        if ("NodePort".equals(spec.getType()) || "LoadBalancer".equals(spec.getType())) {
            spec.getPorts().forEach(p -> {
                if (p.getNodePort() == null) {
                    p.setNodePort(31000);
                }
            });
            if ("LoadBalancer".equals(spec.getType())) {
                spec.setAllocateLoadBalancerNodePorts(true);
            }
        }
        return s;
    }

    @Test
    void serverDefaultsAndOthersMetadataAreNotDrift() {
        for (ServiceSpec spec : List.of(clusterIp("web"), service("db", ServiceType.Headless, port("pg", 5432, 5432)),
                service("admin", ServiceType.NodePort, port("http", 80, 8080)),
                service("lb", ServiceType.LoadBalancer, port("https", 443, 8443)))) {
            Service want = desired(spec);
            assertThat(ServiceDrift.matches(want, asDefaultedByTheApiServer(want))).as(spec.getName()).isTrue();
        }
    }

    @Test
    void aHandEditedPortIsDrift() {
        Service want = desired(clusterIp("web"));
        Service have = asDefaultedByTheApiServer(want);
        have.getSpec().getPorts().get(0).setPort(8081);
        assertThat(ServiceDrift.matches(want, have)).isFalse();
    }

    @Test
    void aRemovedOperatorLabelIsDrift() {
        Service want = desired(clusterIp("web"));
        Service have = asDefaultedByTheApiServer(want);
        have.getMetadata().getLabels().remove(ChildLabels.TOPOLOGY);
        assertThat(ServiceDrift.matches(want, have)).isFalse();
    }

    @Test
    void aHandAddedExternalIpIsDrift() {
        Service want = desired(clusterIp("web"));
        Service have = asDefaultedByTheApiServer(want);
        have.getSpec().setExternalIPs(List.of("192.0.2.1"));
        assertThat(ServiceDrift.matches(want, have)).isFalse();
        assertThat(ServiceDrift.updated(want, have).getSpec().getExternalIPs()).isNullOrEmpty();
    }

    @Test
    void updateKeepsAllocationsAndOthersMetadataAndTheResourceVersion() {
        ServiceSpec spec = service("admin", ServiceType.NodePort, port("http", 80, 8080));
        Service have = asDefaultedByTheApiServer(desired(spec));
        spec.getPorts().get(0).setTargetPort(new io.fabric8.kubernetes.api.model.IntOrString(9090));
        Service want = desired(spec);
        assertThat(ServiceDrift.matches(want, have)).isFalse();

        Service update = ServiceDrift.updated(want, have);
        assertThat(update.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(update.getMetadata().getLabels()).containsEntry("added-by", "someone-else");
        assertThat(update.getMetadata().getAnnotations()).containsKey("kubectl.kubernetes.io/last-applied-configuration");
        assertThat(update.getSpec().getClusterIP()).isEqualTo("10.96.0.10");
        assertThat(update.getSpec().getPorts().get(0).getNodePort()).isEqualTo(31000);
        assertThat(update.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(9090);
        assertThat(ServiceDrift.matches(want, update)).isTrue();
    }

    @Test
    void labelsRemovedFromTheSpecAreRemovedButOthersStay() {
        ServiceSpec spec = clusterIp("web");
        spec.setLabels(Map.of("tier", "frontend"));
        spec.setAnnotations(Map.of("example.com/a", "1"));
        Service have = asDefaultedByTheApiServer(desired(spec));
        spec.setLabels(null);
        spec.setAnnotations(null);
        Service want = desired(spec);
        assertThat(ServiceDrift.matches(want, have)).isFalse();

        Service update = ServiceDrift.updated(want, have);
        assertThat(update.getMetadata().getLabels()).doesNotContainKey("tier").containsEntry("added-by", "someone-else")
                .containsEntry(ChildLabels.TOPOLOGY, "shop");
        assertThat(update.getMetadata().getAnnotations()).doesNotContainKey("example.com/a")
                .containsKey("kubectl.kubernetes.io/last-applied-configuration");
        assertThat(ServiceDrift.matches(want, update)).isTrue();
    }

    @Test
    void changingToClusterIpDropsNodePortsAndTrafficPolicy() {
        ServiceSpec spec = service("admin", ServiceType.NodePort, port("http", 80, 8080));
        Service have = asDefaultedByTheApiServer(desired(spec));
        spec.setType(ServiceType.ClusterIP);
        Service update = ServiceDrift.updated(desired(spec), have);
        assertThat(update.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(update.getSpec().getPorts().get(0).getNodePort()).isNull();
        assertThat(update.getSpec().getExternalTrafficPolicy()).isNull();
        assertThat(update.getSpec().getClusterIP()).isEqualTo("10.96.0.10");
    }

    @Test
    void headlessToClusterIpNeedsARecreateButTypeChangesDoNot() {
        ServiceSpec spec = service("db", ServiceType.Headless, port("pg", 5432, 5432));
        Service headless = asDefaultedByTheApiServer(desired(spec));
        spec.setType(ServiceType.ClusterIP);
        assertThat(ServiceDrift.needsRecreate(desired(spec), headless)).isTrue();
        spec.setType(ServiceType.NodePort);
        Service clusterIp = asDefaultedByTheApiServer(desired(clusterIp("db")));
        assertThat(ServiceDrift.needsRecreate(desired(spec), clusterIp)).isFalse();
    }
}
