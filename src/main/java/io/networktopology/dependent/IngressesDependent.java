package io.networktopology.dependent;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.model.ChildLabels;

/** The topology's Ingresses, cached by the operator's label. */
public final class IngressesDependent {

    private IngressesDependent() {
    }

    public static InformerEventSource<Ingress, NetworkTopology> eventSource(EventSourceContext<NetworkTopology> context) {
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(Ingress.class, NetworkTopology.class)
                .withName("ingresses")
                .withLabelSelector(ChildLabels.SELECTOR)
                .withSecondaryToPrimaryMapper(OwnedChildren.byTopologyLabel())
                .build(), context);
    }

}
