package io.networktopology.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which ports of a live Service the declared ones cannot coexist with (the rest is another writer's and stays). */
class CollidingPortsTest {

    static ServicePort port(String name, int port, Integer nodePort) {
        return new ServicePortBuilder().withName(name).withPort(port).withProtocol("TCP").withNodePort(nodePort).build();
    }

    static Service service(ServicePort... ports) {
        return new ServiceBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec().withPorts(ports).endSpec().build();
    }

    @Test
    void aPortEditedAwayUnderTheDeclaredNameIsRemovedAndOnlyIt() {
        String collision = ServicesDependent.collidingPorts(service(port("http", 80, null), port("admin", 9000, null)),
                service(port("admin", 9000, null), port("http", 81, null), port("metrics", 9100, null)));
        assertThat(collision).isEqualTo("port 81/TCP (http), not declared, collided with the declared ports");
    }

    @Test
    void unnamedPortsAndTakenNodePortsCollideNothingElseDoes() {
        assertThat(ServicesDependent.collidingPorts(service(port("http", 80, null)), service(port(null, 81, null))))
                .as("beside a declared port, an unnamed one makes the Service invalid").startsWith("port 81/TCP, not declared");
        assertThat(ServicesDependent.collidingPorts(service(port(null, 80, null)), service(port("web", 81, null))))
                .as("the declared port is unnamed: any other port makes the Service invalid").isNotNull();
        assertThat(ServicesDependent.collidingPorts(service(port("http", 80, 30080)), service(port("other", 81, 30080))))
                .as("the same node port").isNotNull();
        assertThat(ServicesDependent.collidingPorts(service(port("http", 80, null)), service(port("http", 80, null), port("metrics", 9100, null))))
                .as("the declared port is there; metrics is someone else's").isNull();
        assertThat(ServicesDependent.collidingPorts(service(port("http", 80, null)), service(port("http", 80, null)))).isNull();
    }

    static io.fabric8.kubernetes.client.KubernetesClientException refused(String field, String reason) {
        return new io.fabric8.kubernetes.client.KubernetesClientException(new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(422)
                .withReason("Invalid").withNewDetails().addNewCause().withField(field).withReason(reason).endCause().endDetails().build());
    }

    @Test
    void onlyARefusalAboutThePortsThemselvesCountsAsACollision() {
        Service declared = service(port("http", 81, null));
        Service live = service(port("http", 80, null));
        assertThat(ServicesDependent.collidingPorts(declared, live, refused("spec.ports[1].name", "FieldValueDuplicate"))).isNotNull();
        // The topology's own change refused for another reason (a node port taken): no recreate, which would cost the address.
        assertThat(ServicesDependent.collidingPorts(declared, live, refused("spec.ports[0].nodePort", "FieldValueInvalid"))).isNull();
    }
}
