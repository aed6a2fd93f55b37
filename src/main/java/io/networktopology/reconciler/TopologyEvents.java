package io.networktopology.reconciler;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.networktopology.api.v1alpha1.NetworkTopology;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Kubernetes Events on a topology for every significant change: children created, updated, deleted; conflicts and
 * failures as they start; DNS changes. {@code kubectl describe ntopo} shows them. An Event that cannot be written
 * never fails a reconcile.
 */
public final class TopologyEvents {

    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    static final String COMPONENT = "network-topology-operator";
    private static final Logger LOG = Logger.getLogger(TopologyEvents.class);

    private TopologyEvents() {
    }

    public static void record(KubernetesClient client, NetworkTopology topology, String type, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String namespace = topology.getMetadata().getNamespace();
        try {
            client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata().withName(topology.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13))
                    .withNamespace(namespace).endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(NetworkTopology.API_VERSION)
                            .withKind(NetworkTopology.KIND).withName(topology.getMetadata().getName()).withNamespace(namespace)
                            .withUid(topology.getMetadata().getUid()).build())
                    .withType(type).withReason(reason).withMessage(message.length() > 1000 ? message.substring(0, 999) + "…" : message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT)
                    .build()).create();
        } catch (KubernetesClientException e) {
            LOG.debugf("could not record event %s on %s/%s: %s", reason, namespace, topology.getMetadata().getName(), e.getMessage());
        }
    }
}
