package io.networktopology.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Which changes to a topology's Service the API server cannot take as an update. */
public final class ServicesDependent {

    private ServicesDependent() {
    }


    /**
     * Whether the change cannot be made by an update, because Kubernetes forbids changing the field once set:
     * a headless service cannot get a cluster IP (nor the reverse), the primary IP family is fixed, and so is a
     * load balancer class.
     */
    public static boolean needsRecreate(Service desired, Service actual) {
        ServiceSpec want = desired.getSpec();
        ServiceSpec have = actual.getSpec();
        if (have == null) {
            return false;
        }
        boolean haveExternal = "ExternalName".equals(have.getType());
        if (!"ExternalName".equals(want.getType()) && !haveExternal && isHeadless(want) != isHeadless(have)) {
            return true;
        }
        if (want.getIpFamilies() != null && !want.getIpFamilies().isEmpty() && have.getIpFamilies() != null
                && !have.getIpFamilies().isEmpty() && !haveExternal
                && !want.getIpFamilies().get(0).equals(have.getIpFamilies().get(0))) {
            return true;
        }
        return "LoadBalancer".equals(want.getType()) && "LoadBalancer".equals(have.getType())
                && have.getLoadBalancerClass() != null && !have.getLoadBalancerClass().equals(want.getLoadBalancerClass());
    }

    /**
     * Ports the Service has but the topology does not declare (someone added or edited them: {@code kubectl patch}
     * changing port 80 to 81 leaves 81 behind, under the declared name) that the declared ports collide with: the same
     * name, no name (a Service of several ports needs every one named), or the same node port — in words, or null.
     * Apply merges ports by port and protocol, so such a port makes the API server refuse every apply of the declaration
     * ({@code spec.ports[1].name: Duplicate value: "http"}), and the topology was wedged. Ports that collide with nothing
     * are another writer's and stay.
     */
    public static String collidingPorts(Service desired, Service actual, io.fabric8.kubernetes.client.KubernetesClientException refusal) {
        // Only a refusal about the ports' names or node ports themselves: a port the topology changed that is refused for
        // another reason (a node port taken) must not cost the Service its address by a recreate.
        var status = refusal.getStatus();
        boolean aboutPorts = status != null && status.getDetails() != null && status.getDetails().getCauses() != null
                && status.getDetails().getCauses().stream().anyMatch(c -> c.getField() != null && c.getField().startsWith("spec.ports[")
                        && ("FieldValueDuplicate".equals(c.getReason()) || "FieldValueRequired".equals(c.getReason())));
        return aboutPorts ? collidingPorts(desired, actual) : null;
    }

    public static String collidingPorts(Service desired, Service actual) {
        List<ServicePort> want = desired.getSpec() == null || desired.getSpec().getPorts() == null ? List.of() : desired.getSpec().getPorts();
        List<ServicePort> have = actual.getSpec() == null || actual.getSpec().getPorts() == null ? List.of() : actual.getSpec().getPorts();
        List<String> colliding = new ArrayList<>();
        for (ServicePort port : have) {
            boolean declared = want.stream().anyMatch(w -> Objects.equals(w.getPort(), port.getPort()) && protocol(w).equals(protocol(port)));
            // Beside a declared port it makes a Service of several ports, where every port needs a name of its own.
            boolean collides = !declared && !want.isEmpty() && (unnamed(port) || want.stream().anyMatch(w -> unnamed(w)
                    || port.getName().equals(w.getName()) || port.getNodePort() != null && port.getNodePort().equals(w.getNodePort())));
            if (collides) {
                colliding.add(port.getPort() + "/" + protocol(port) + (unnamed(port) ? "" : " (" + port.getName() + ")"));
            }
        }
        return colliding.isEmpty() ? null : "port" + (colliding.size() == 1 ? " " : "s ") + String.join(", ", colliding)
                + ", not declared, collided with the declared ports";
    }

    private static boolean unnamed(ServicePort port) {
        return port.getName() == null || port.getName().isEmpty();
    }

    private static String protocol(ServicePort port) {
        return port.getProtocol() == null ? "TCP" : port.getProtocol();
    }

    private static boolean isHeadless(ServiceSpec spec) {
        return "None".equals(spec.getClusterIP());
    }
}
