package io.networktopology.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.networktopology.api.v1alpha1.PortProtocol;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.api.v1alpha1.SessionAffinity;
import io.networktopology.api.v1alpha1.TrafficPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.externalName;
import static io.networktopology.Topologies.port;
import static io.networktopology.Topologies.service;
import static io.networktopology.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;

class ServiceModelTest {

    @Test
    void clusterIpServiceCarriesTheOperatorsLabelsAndExplicitDefaults() {
        ServiceSpec web = clusterIp("web");
        web.setLabels(Map.of("tier", "frontend"));
        web.setAnnotations(Map.of("example.com/owner", "team-a"));
        Service service = ServiceModel.desiredServices(topology("shop", "shop", web)).get(0);

        assertThat(service.getMetadata().getName()).isEqualTo("web");
        assertThat(service.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(service.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "tier", "frontend",
                "app.kubernetes.io/managed-by", "network-topology-operator",
                "networktopology.io/topology", "shop"));
        assertThat(service.getMetadata().getAnnotations()).containsExactlyEntriesOf(Map.of("example.com/owner", "team-a"));
        assertThat(service.getMetadata().getOwnerReferences()).as("no owner offline; the dependent adds it").isNullOrEmpty();
        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(service.getSpec().getClusterIP()).isNull();
        assertThat(service.getSpec().getSelector()).containsExactlyEntriesOf(Map.of("app", "web"));
        assertThat(service.getSpec().getSessionAffinity()).isEqualTo("None");
        assertThat(service.getSpec().getInternalTrafficPolicy()).isEqualTo("Cluster");
        assertThat(service.getSpec().getExternalTrafficPolicy()).isNull();
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getPort()).isEqualTo(80);
            assertThat(p.getTargetPort().getIntVal()).isEqualTo(8080);
            assertThat(p.getProtocol()).isEqualTo("TCP");
            assertThat(p.getNodePort()).isNull();
        });
    }

    @Test
    void targetPortDefaultsToPortAndNamedTargetPortsStayNames() {
        ServiceSpec web = service("web", ServiceType.ClusterIP, port("http", 80, 8080), port("metrics", 9090, 1));
        web.getPorts().get(0).setTargetPort(null);
        web.getPorts().get(1).setTargetPort(new IntOrString("metrics"));
        web.getPorts().get(1).setProtocol(PortProtocol.UDP);
        Service service = ServiceModel.desiredServices(topology("shop", "shop", web)).get(0);
        assertThat(service.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(80);
        assertThat(service.getSpec().getPorts().get(1).getTargetPort().getStrVal()).isEqualTo("metrics");
        assertThat(service.getSpec().getPorts().get(1).getProtocol()).isEqualTo("UDP");
    }

    @Test
    void headlessIsClusterIpNone() {
        Service service = ServiceModel.desiredServices(topology("shop", "shop",
                service("db", ServiceType.Headless, port("pg", 5432, 5432)))).get(0);
        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    }

    @Test
    void nodePortAndLoadBalancerCarryTheirKnobs() {
        ServiceSpec admin = service("admin", ServiceType.NodePort, port("http", 80, 8080));
        admin.getPorts().get(0).setNodePort(30080);
        ServiceSpec lb = service("lb", ServiceType.LoadBalancer, port("https", 443, 8443));
        lb.setExternalTrafficPolicy(TrafficPolicy.Local);
        lb.setLoadBalancerClass("example.com/lb");
        lb.setLoadBalancerSourceRanges(List.of("203.0.113.0/24"));
        lb.setSessionAffinity(SessionAffinity.ClientIP);
        lb.setPublishNotReadyAddresses(true);
        List<Service> services = ServiceModel.desiredServices(topology("shop", "shop", admin, lb));

        assertThat(services.get(0).getSpec().getType()).isEqualTo("NodePort");
        assertThat(services.get(0).getSpec().getPorts().get(0).getNodePort()).isEqualTo(30080);
        assertThat(services.get(0).getSpec().getExternalTrafficPolicy()).isEqualTo("Cluster");
        assertThat(services.get(1).getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(services.get(1).getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
        assertThat(services.get(1).getSpec().getLoadBalancerClass()).isEqualTo("example.com/lb");
        assertThat(services.get(1).getSpec().getLoadBalancerSourceRanges()).containsExactly("203.0.113.0/24");
        assertThat(services.get(1).getSpec().getSessionAffinity()).isEqualTo("ClientIP");
        assertThat(services.get(1).getSpec().getPublishNotReadyAddresses()).isTrue();
    }

    @Test
    void externalNameHasNoClusterFields() {
        Service service = ServiceModel.desiredServices(topology("shop", "shop", externalName("payments", "payments.example.com"))).get(0);
        assertThat(service.getSpec().getType()).isEqualTo("ExternalName");
        assertThat(service.getSpec().getExternalName()).isEqualTo("payments.example.com");
        assertThat(service.getSpec().getPorts()).isNullOrEmpty();
        assertThat(service.getSpec().getSelector()).isNullOrEmpty();
        assertThat(service.getSpec().getInternalTrafficPolicy()).isNull();
        assertThat(service.getSpec().getSessionAffinity()).isNull();
    }

    @Test
    void topologyWithoutNamespaceRendersIntoDefault() {
        var topology = topology(null, "shop", clusterIp("web"));
        assertThat(ServiceModel.desiredServices(topology).get(0).getMetadata().getNamespace()).isEqualTo("default");
    }
}
