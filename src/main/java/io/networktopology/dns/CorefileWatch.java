package io.networktopology.dns;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.networktopology.api.v1alpha1.NetworkTopology;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Watches the CoreDNS ConfigMaps: when anyone changes them (removes or mangles the managed parts, or another
 * topology's entries change), every topology with DNS entries is reconciled and puts its entries back.
 */
public final class CorefileWatch {

    private CorefileWatch() {
    }

    public static InformerEventSource<ConfigMap, NetworkTopology> eventSource(EventSourceContext<NetworkTopology> context,
            DnsSettings settings) {
        var primaries = context.getPrimaryCache();
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(ConfigMap.class, NetworkTopology.class)
                .withName("corefile")
                .withNamespaces(Set.of(settings.namespace()))
                .withSecondaryToPrimaryMapper(map -> {
                    String name = map.getMetadata().getName();
                    if (!name.equals(settings.configMap()) && !name.equals(settings.customConfigMap())) {
                        return Set.of();
                    }
                    return primaries.list()
                            .filter(t -> (t.getSpec() != null && t.getSpec().getDns() != null && !t.getSpec().getDns().isEmpty())
                                    || (t.getStatus() != null && t.getStatus().getDns() != null))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet());
                })
                .build(), context);
    }
}
