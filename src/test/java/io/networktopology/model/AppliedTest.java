package io.networktopology.model;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.dependent.ServicesDependent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.port;
import static io.networktopology.Topologies.service;
import static org.assertj.core.api.Assertions.assertThat;

class AppliedTest {

    private static final OwnerReference OWNER = new OwnerReferenceBuilder().withApiVersion("networktopology.io/v1alpha1")
            .withKind("NetworkTopology").withName("shop").withUid("t-1").withController(true).build();

    /** The configuration the operator applies for a declared service. */
    private static Service desired(ServiceSpec spec) {
        return Applied.configuration(ServiceModel.desiredService(spec, "shop", "shop"), OWNER);
    }

    /** What a real API server returns after creating the desired Service: allocations, defaults, others' metadata. */
    private static Service asDefaultedByTheApiServer(Service desired) {
        Service s = new ServiceBuilder(desired)
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
    void serverDefaultsAndOthersFieldsAreNotDrift() {
        for (ServiceSpec spec : List.of(clusterIp("web"), service("db", ServiceType.Headless, port("pg", 5432, 5432)),
                service("admin", ServiceType.NodePort, port("http", 80, 8080)),
                service("lb", ServiceType.LoadBalancer, port("https", 443, 8443)))) {
            Service want = desired(spec);
            Service have = asDefaultedByTheApiServer(want);
            have.getSpec().setTrafficDistribution("PreferClose");
            assertThat(Applied.holds(want, have)).as(spec.getName()).isTrue();
        }
    }

    @Test
    void aPortAddedByAnotherWriterIsNotDriftButAHandEditedPortIs() {
        Service want = desired(clusterIp("web"));
        Service have = asDefaultedByTheApiServer(want);
        have.getSpec().getPorts().add(0, new io.fabric8.kubernetes.api.model.ServicePortBuilder().withName("metrics").withPort(9090).build());
        assertThat(Applied.holds(want, have)).isTrue();
        have.getSpec().getPorts().get(1).setPort(8081);
        assertThat(Applied.holds(want, have)).isFalse();
    }

    @Test
    void aSelectorKeyOrSourceRangeAddedBySomeoneElseIsDriftBecauseApplyReplacesThemWhole() {
        ServiceSpec spec = service("lb", ServiceType.LoadBalancer, port("https", 443, 8443));
        spec.setLoadBalancerSourceRanges(List.of("203.0.113.0/24"));
        Service want = desired(spec);
        Service selector = asDefaultedByTheApiServer(want);
        selector.getSpec().getSelector().put("version", "2");
        assertThat(Applied.holds(want, selector)).as("the Service would select other pods").isFalse();
        Service ranges = asDefaultedByTheApiServer(want);
        ranges.getSpec().setLoadBalancerSourceRanges(List.of("203.0.113.0/24", "0.0.0.0/0"));
        assertThat(Applied.holds(want, ranges)).as("the load balancer would be open to everyone").isFalse();
    }

    @Test
    void aRemovedOperatorLabelOrOwnerIsDrift() {
        Service want = desired(clusterIp("web"));
        Service have = asDefaultedByTheApiServer(want);
        have.getMetadata().getLabels().remove(ChildLabels.TOPOLOGY);
        assertThat(Applied.holds(want, have)).isFalse();
        Service orphaned = asDefaultedByTheApiServer(want);
        orphaned.getMetadata().setOwnerReferences(List.of());
        assertThat(Applied.holds(want, orphaned)).isFalse();
    }

    @Test
    void labelsRemovedFromTheSpecAreDriftThoughTheRestStillHolds() {
        ServiceSpec spec = clusterIp("web");
        spec.setLabels(Map.of("tier", "frontend"));
        spec.setAnnotations(Map.of("example.com/a", "1"));
        Service have = asDefaultedByTheApiServer(desired(spec));
        spec.setLabels(null);
        spec.setAnnotations(null);
        Service want = desired(spec);
        assertThat(want.getMetadata().getAnnotations()).containsOnlyKeys(Applied.FINGERPRINT_ANNOTATION);
        assertThat(Applied.holds(want, have)).isFalse();
        assertThat(Applied.holds(desired(spec), asDefaultedByTheApiServer(want))).isTrue();
    }

    @Test
    void theSameSpecAlwaysGivesTheSameFingerprint() {
        ServiceSpec spec = service("admin", ServiceType.NodePort, port("http", 80, 8080));
        spec.setLabels(Map.of("b", "2", "a", "1"));
        ServiceSpec reordered = service("admin", ServiceType.NodePort, port("http", 80, 8080));
        reordered.setLabels(new java.util.LinkedHashMap<>(Map.of("a", "1")));
        reordered.getLabels().put("b", "2");
        assertThat(desired(reordered).getMetadata().getAnnotations()).isEqualTo(desired(spec).getMetadata().getAnnotations());
        spec.getPorts().get(0).setTargetPort(new io.fabric8.kubernetes.api.model.IntOrString(9090));
        assertThat(desired(spec).getMetadata().getAnnotations()).isNotEqualTo(desired(reordered).getMetadata().getAnnotations());
    }

    @Test
    void headlessToClusterIpNeedsARecreateButTypeChangesDoNot() {
        ServiceSpec spec = service("db", ServiceType.Headless, port("pg", 5432, 5432));
        Service headless = asDefaultedByTheApiServer(desired(spec));
        spec.setType(ServiceType.ClusterIP);
        assertThat(ServicesDependent.needsRecreate(desired(spec), headless)).isTrue();
        spec.setType(ServiceType.NodePort);
        Service clusterIp = asDefaultedByTheApiServer(desired(clusterIp("db")));
        assertThat(ServicesDependent.needsRecreate(desired(spec), clusterIp)).isFalse();
    }
}
