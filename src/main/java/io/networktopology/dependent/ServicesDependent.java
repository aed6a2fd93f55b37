package io.networktopology.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.networktopology.api.NetworkTopology;
import io.networktopology.model.ChildLabels;
import io.networktopology.model.ServiceDrift;

/** The topology's Services: cached by the operator's label, compared and updated by {@link ServiceDrift}. */
public final class ServicesDependent implements OwnedChildren.Kind<Service> {

    public static InformerEventSource<Service, NetworkTopology> eventSource(EventSourceContext<NetworkTopology> context) {
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(Service.class, NetworkTopology.class)
                .withName("services")
                .withLabelSelector(ChildLabels.SELECTOR)
                .withSecondaryToPrimaryMapper(OwnedChildren.byTopologyLabel())
                .build(), context);
    }

    @Override
    public Class<Service> type() {
        return Service.class;
    }

    @Override
    public Service withOwnedKeys(Service desired) {
        return ServiceDrift.withOwnedKeys(desired);
    }

    @Override
    public boolean matches(Service desired, Service actual) {
        return ServiceDrift.matches(desired, actual);
    }

    @Override
    public Service updated(Service desired, Service actual) {
        return ServiceDrift.updated(desired, actual);
    }

    @Override
    public boolean needsRecreate(Service desired, Service actual) {
        return ServiceDrift.needsRecreate(desired, actual);
    }
}
