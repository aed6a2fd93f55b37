package io.networktopology.dependent;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.networktopology.api.NetworkTopology;
import io.networktopology.model.ChildLabels;
import io.networktopology.model.IngressDrift;

/** The topology's Ingresses: cached by the operator's label, compared and updated by {@link IngressDrift}. */
public final class IngressesDependent implements OwnedChildren.Kind<Ingress> {

    public static InformerEventSource<Ingress, NetworkTopology> eventSource(EventSourceContext<NetworkTopology> context) {
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(Ingress.class, NetworkTopology.class)
                .withName("ingresses")
                .withLabelSelector(ChildLabels.SELECTOR)
                .withSecondaryToPrimaryMapper(OwnedChildren.byTopologyLabel())
                .build(), context);
    }

    @Override
    public Class<Ingress> type() {
        return Ingress.class;
    }

    @Override
    public Ingress withOwnedKeys(Ingress desired) {
        return IngressDrift.withOwnedKeys(desired);
    }

    @Override
    public boolean matches(Ingress desired, Ingress actual) {
        return IngressDrift.matches(desired, actual);
    }

    @Override
    public Ingress updated(Ingress desired, Ingress actual) {
        return IngressDrift.updated(desired, actual);
    }
}
