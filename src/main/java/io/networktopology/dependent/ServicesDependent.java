package io.networktopology.dependent;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.networktopology.api.NetworkTopology;
import io.networktopology.model.ChildLabels;
import io.networktopology.model.ServiceDrift;
import io.networktopology.model.ServiceModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the Services of one topology in line with the desired ones: creates the missing, updates the drifted,
 * deletes the removed — and never touches a Service the topology did not create. Only Services carrying the
 * operator's label are cached; a name that is not in the cache is looked up once to tell "new" from "foreign".
 */
public class ServicesDependent {

    /** What one pass did and found. */
    public record Outcome(Map<String, Service> current, Map<String, String> conflicts, Map<String, String> pending,
            int writes) {
    }

    public static InformerEventSource<Service, NetworkTopology> eventSource(EventSourceContext<NetworkTopology> context) {
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(Service.class, NetworkTopology.class)
                .withName("services")
                .withLabelSelector(ChildLabels.SELECTOR)
                .withSecondaryToPrimaryMapper(byTopologyLabel())
                .build(), context);
    }

    /** Maps a child to its topology by the topology label, in the child's namespace. */
    public static <R extends io.fabric8.kubernetes.api.model.HasMetadata> SecondaryToPrimaryMapper<R> byTopologyLabel() {
        return child -> {
            Map<String, String> labels = child.getMetadata().getLabels();
            String topology = labels == null ? null : labels.get(ChildLabels.TOPOLOGY);
            return topology == null ? Set.of() : Set.of(new ResourceID(topology, child.getMetadata().getNamespace()));
        };
    }

    public Outcome reconcile(NetworkTopology topology, List<Service> desired, Context<NetworkTopology> context) {
        KubernetesClient client = context.getClient();
        @SuppressWarnings("unchecked")
        InformerEventSource<Service, NetworkTopology> cache =
                (InformerEventSource<Service, NetworkTopology>) context.eventSourceRetriever().getEventSourceFor(Service.class);
        String namespace = ServiceModel.namespaceOf(topology);
        Map<String, Service> owned = new LinkedHashMap<>();
        for (Service service : context.getSecondaryResources(Service.class)) {
            if (isOwnedBy(service, topology) && namespace.equals(service.getMetadata().getNamespace())) {
                owned.put(service.getMetadata().getName(), service);
            }
        }

        Map<String, Service> current = new LinkedHashMap<>();
        Map<String, String> conflicts = new LinkedHashMap<>();
        Map<String, String> pending = new LinkedHashMap<>();
        int writes = 0;
        for (Service want : desired) {
            String name = want.getMetadata().getName();
            Service have = owned.get(name);
            if (have == null) {
                // Not in the cache: new, foreign, or ours with its labels edited away. Ask the API server.
                have = client.services().inNamespace(namespace).withName(name).get();
                if (have != null && !isOwnedBy(have, topology)) {
                    conflicts.put(name, conflictMessage(have, topology));
                    continue;
                }
            }
            if (have == null) {
                Service toCreate = ServiceDrift.withOwnedKeys(want);
                toCreate.getMetadata().setOwnerReferences(List.of(ownerReference(topology)));
                try {
                    Service created = client.resource(toCreate).create();
                    cache.handleRecentResourceCreate(ResourceID.fromResource(created), created);
                    current.put(name, created);
                    writes++;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                    Service existing = client.services().inNamespace(namespace).withName(name).get();
                    if (existing != null && !isOwnedBy(existing, topology)) {
                        conflicts.put(name, conflictMessage(existing, topology));
                    } else {
                        pending.put(name, "created concurrently; checking again");
                    }
                }
                continue;
            }
            if (have.getMetadata().getDeletionTimestamp() != null) {
                pending.put(name, "the previous Service is still being deleted");
                continue;
            }
            if (ServiceDrift.needsRecreate(want, have)) {
                client.resource(have).delete();
                writes++;
                pending.put(name, "being recreated: the change touches a field Kubernetes does not allow to update");
                continue;
            }
            if (!ServiceDrift.matches(want, have) || !hasOwnerReference(have, topology)) {
                Service update = ServiceDrift.updated(want, have);
                List<OwnerReference> refs = new ArrayList<>(update.getMetadata().getOwnerReferences() == null
                        ? List.of() : update.getMetadata().getOwnerReferences());
                if (!hasOwnerReference(update, topology)) {
                    refs.add(ownerReference(topology));
                }
                update.getMetadata().setOwnerReferences(refs);
                Service updated = client.resource(update).update();
                cache.handleRecentResourceUpdate(ResourceID.fromResource(updated), updated, have);
                current.put(name, updated);
                writes++;
                continue;
            }
            current.put(name, have);
        }

        Set<String> wanted = ServiceModel.byName(desired).keySet();
        for (Service stale : owned.values()) {
            if (!wanted.contains(stale.getMetadata().getName()) && stale.getMetadata().getDeletionTimestamp() == null) {
                client.resource(stale).delete();
                writes++;
            }
        }
        return new Outcome(current, conflicts, pending, writes);
    }

    /** A Service is the topology's when it names the topology (this incarnation, by uid) as an owner. */
    public static boolean isOwnedBy(Service service, NetworkTopology topology) {
        return hasOwnerReference(service, topology);
    }

    private static boolean hasOwnerReference(Service service, NetworkTopology topology) {
        List<OwnerReference> refs = service.getMetadata().getOwnerReferences();
        return refs != null && refs.stream().anyMatch(r -> topology.getMetadata().getUid() != null
                && topology.getMetadata().getUid().equals(r.getUid()));
    }

    static OwnerReference ownerReference(NetworkTopology topology) {
        return new OwnerReferenceBuilder()
                .withApiVersion(NetworkTopology.API_VERSION)
                .withKind(NetworkTopology.KIND)
                .withName(topology.getMetadata().getName())
                .withUid(topology.getMetadata().getUid())
                .withController(true)
                .build();
    }

    private static String conflictMessage(Service existing, NetworkTopology topology) {
        Map<String, String> labels = existing.getMetadata().getLabels() == null ? Map.of() : existing.getMetadata().getLabels();
        String name = existing.getMetadata().getName();
        if (ChildLabels.MANAGED_BY_VALUE.equals(labels.get(ChildLabels.MANAGED_BY)) && labels.get(ChildLabels.TOPOLOGY) != null
                && !labels.get(ChildLabels.TOPOLOGY).equals(topology.getMetadata().getName())) {
            return "Service " + name + " already belongs to topology " + labels.get(ChildLabels.TOPOLOGY)
                    + " in this namespace; it was left untouched";
        }
        return "Service " + name + " already exists and was not created by this topology; it was left untouched "
                + "(delete it, or rename the service in the spec)";
    }
}
