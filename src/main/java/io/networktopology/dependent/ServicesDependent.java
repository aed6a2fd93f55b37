package io.networktopology.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.model.ChildLabels;
import io.fabric8.kubernetes.api.model.ServiceSpec;

/** The topology's Services: cached by the operator's label; which changes need a new Service. */
public final class ServicesDependent {

    private ServicesDependent() {
    }


    public static InformerEventSource<Service, NetworkTopology> eventSource(EventSourceContext<NetworkTopology> context) {
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(Service.class, NetworkTopology.class)
                .withName("services")
                .withLabelSelector(ChildLabels.SELECTOR)
                .withSecondaryToPrimaryMapper(OwnedChildren.byTopologyLabel())
                .build(), context);
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

    private static boolean isHeadless(ServiceSpec spec) {
        return "None".equals(spec.getClusterIP());
    }
}
