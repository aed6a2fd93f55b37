package io.networktopology.dependent;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.model.Applied;
import io.networktopology.model.ChildLabels;
import io.networktopology.model.ServiceModel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps one kind of child of a topology in line with the desired objects: creates the missing, applies the drifted
 * (server-side apply, so fields of other writers stay; see {@link Applied}), deletes the removed — and never touches an
 * object the topology did not create. Only objects carrying the operator's label are cached; a name that is not in the
 * cache is looked up once to tell "new" from "foreign".
 */
public class OwnedChildren<R extends HasMetadata> {

    /** Whether a change cannot be made in place (Kubernetes forbids updating the field): delete, then create again. */
    public interface Recreate<R extends HasMetadata> {
        boolean needed(R desired, R actual);
    }

    /**
     * What one pass did and found, by child name.
     *
     * @param refused the children whose write the API server refused as invalid: the others were written all the same,
     *     and what exists of a refused one stays as it was (in {@code current})
     */
    public record Outcome<R>(Map<String, R> current, Map<String, String> conflicts, Map<String, String> pending,
            Map<String, KubernetesClientException> refused, int writes) {
    }

    /** Told of every write the pass makes: (verb, kind and name), e.g. ("Created", "Service web"). */
    public interface Changes {
        void changed(String verb, String what);
    }

    /**
     * What another writer put into a child that the declared fields cannot coexist with, in words, or null when nothing
     * collides: asked when the API server refuses an apply as invalid, which it would then do for ever.
     */
    public interface Collisions<R extends HasMetadata> {
        String of(R desired, R actual, KubernetesClientException refusal);
    }

    /** Reads one child from the API server, or null. */
    interface Lookup<R> {
        R get(KubernetesClient client, String namespace, String name);
    }

    private final Class<R> type;
    private final String kindName;
    /** The name of the informer of this kind when several informers share its class (generic objects), else null. */
    private final String sourceName;
    private final Lookup<R> lookup;
    private final Recreate<R> recreate;
    private final Collisions<R> collisions;

    public OwnedChildren(Class<R> type, Recreate<R> recreate) {
        this(type, recreate, (desired, actual, refusal) -> null);
    }

    public OwnedChildren(Class<R> type, Recreate<R> recreate, Collisions<R> collisions) {
        this(type, type.getSimpleName(), null, (client, namespace, name) -> client.resources(type).inNamespace(namespace).withName(name).get(),
                recreate, collisions);
    }

    private OwnedChildren(Class<R> type, String kindName, String sourceName, Lookup<R> lookup, Recreate<R> recreate, Collisions<R> collisions) {
        this.type = type;
        this.kindName = kindName;
        this.sourceName = sourceName;
        this.lookup = lookup;
        this.recreate = recreate;
        this.collisions = collisions;
    }

    /**
     * Children of a kind the operator knows only at run time (a Gateway API route in the version the cluster serves), read
     * from the informer named {@code sourceName}.
     */
    public static OwnedChildren<GenericKubernetesResource> generic(String apiVersion, String kind, String sourceName) {
        return new OwnedChildren<>(GenericKubernetesResource.class, kind, sourceName,
                (client, namespace, name) -> client.genericKubernetesResources(apiVersion, kind).inNamespace(namespace).withName(name).get(),
                (desired, actual) -> false, (desired, actual, refusal) -> null);
    }

    public Outcome<R> reconcile(NetworkTopology topology, List<R> desired, Set<String> frozen, Context<NetworkTopology> context) {
        return reconcile(topology, desired, frozen, context, (verb, what) -> { });
    }


    /**
     * @param frozen names that must not be written (for example routes another topology owns): an existing child of
     *     that name is reported as it is, a missing one is not created
     */
    public Outcome<R> reconcile(NetworkTopology topology, List<R> desired, Set<String> frozen, Context<NetworkTopology> context,
            Changes changes) {
        KubernetesClient client = context.getClient();
        @SuppressWarnings("unchecked")
        InformerEventSource<R, NetworkTopology> cache = (InformerEventSource<R, NetworkTopology>) (sourceName == null
                ? context.eventSourceRetriever().getEventSourceFor(type) : context.eventSourceRetriever().getEventSourceFor(type, sourceName));
        String namespace = ServiceModel.namespaceOf(topology);
        String fieldManager = Applied.fieldManager(topology.getMetadata().getUid());
        Map<String, R> owned = new LinkedHashMap<>();
        for (R child : cache.getSecondaryResources(topology)) {
            if (isOwnedBy(child, topology) && namespace.equals(child.getMetadata().getNamespace()) && !ChildLabels.isProbeObject(child)) {
                owned.put(child.getMetadata().getName(), child);
            }
        }

        Map<String, R> current = new LinkedHashMap<>();
        Map<String, String> conflicts = new LinkedHashMap<>();
        Map<String, String> pending = new LinkedHashMap<>();
        Map<String, KubernetesClientException> refused = new LinkedHashMap<>();
        int writes = 0;
        for (R want : desired) {
            String name = want.getMetadata().getName();
            R have = owned.get(name);
            if (have == null) {
                // Not in the cache: new, foreign, or ours with its labels edited away. Ask the API server.
                have = lookup.get(client, namespace, name);
                if (have != null && !isOwnedBy(have, topology)) {
                    conflicts.put(name, conflictMessage(have, topology));
                    continue;
                }
            }
            if (frozen.contains(name)) {
                if (have != null) {
                    current.put(name, have);
                }
                continue;
            }
            R configuration = Applied.configuration(want, ownerReference(topology));
            if (have == null) {
                R created;
                try {
                    created = create(client, configuration, namespace, fieldManager);
                } catch (KubernetesClientException e) {
                    if (!invalid(e)) {
                        throw e;
                    }
                    refused.put(name, e);
                    continue;
                }
                if (created == null) {
                    R existing = lookup.get(client, namespace, name);
                    if (existing != null && !isOwnedBy(existing, topology)) {
                        conflicts.put(name, conflictMessage(existing, topology));
                    } else {
                        pending.put(name, "created concurrently; checking again");
                    }
                    continue;
                }
                cache.handleRecentResourceCreate(ResourceID.fromResource(created), created);
                current.put(name, created);
                writes++;
                changes.changed("Created", kindName + " " + name);
                continue;
            }
            if (have.getMetadata().getDeletionTimestamp() != null) {
                pending.put(name, "the previous " + have.getKind() + " is still being deleted");
                continue;
            }
            if (recreate.needed(want, have)) {
                client.resource(have).delete();
                writes++;
                changes.changed("Recreating", kindName + " " + name);
                pending.put(name, "being recreated: the change touches a field Kubernetes does not allow to update");
                continue;
            }
            // Here `have` is the topology's (its owner reference was checked above). Forced: the topology is the source
            // of truth for the fields it declares, also against another applier.
            if (!Applied.holds(configuration, have)) {
                R updated;
                try {
                    updated = client.resource(configuration).fieldManager(fieldManager).forceConflicts().serverSideApply();
                } catch (KubernetesClientException e) {
                    String collision = e.getCode() == 422 ? collisions.of(want, have, e) : null;
                    if (collision == null && invalid(e)) {
                        // Refused for this child alone (a taken nodePort, a webhook's veto): the others go on, and so do
                        // the probes of what exists.
                        refused.put(name, e);
                        current.put(name, have);
                        continue;
                    }
                    if (collision == null) {
                        throw e;
                    }
                    // The declaration wins over a hand edit it cannot coexist with: the child is made again from it (its
                    // fields then belong to the topology alone, which a patch that took the edit out would not give), and
                    // an Event says what went.
                    client.resource(have).delete();
                    writes++;
                    changes.changed("Recreating", kindName + " " + name + ": " + collision);
                    pending.put(name, "being recreated: " + collision);
                    continue;
                }
                cache.handleRecentResourceUpdate(ResourceID.fromResource(updated), updated, have);
                current.put(name, updated);
                writes++;
                changes.changed("Updated", kindName + " " + name);
                continue;
            }
            current.put(name, have);
        }

        Set<String> wanted = new java.util.HashSet<>();
        desired.forEach(d -> wanted.add(d.getMetadata().getName()));
        for (R stale : owned.values()) {
            if (!wanted.contains(stale.getMetadata().getName()) && stale.getMetadata().getDeletionTimestamp() == null) {
                client.resource(stale).delete();
                writes++;
                changes.changed("Deleted", kindName + " " + stale.getMetadata().getName());
            }
        }
        return new Outcome<>(current, conflicts, pending, refused, writes);
    }

    /** The API server refused the object itself (invalid, or vetoed by admission): asking again unchanged gets the same. */
    private static boolean invalid(KubernetesClientException e) {
        return e.getCode() == 422 || e.getCode() == 400;
    }

    /**
     * Creates a child by applying its configuration (so the operator's fields belong to its field manager from the
     * start, and a field later dropped from the spec is removed). Apply also updates an existing object: if one of
     * that name appeared since the caller found none, the apply is taken back (an empty apply removes exactly the
     * fields it added, the owner reference first of all) and null is returned, as for a conflict.
     */
    private R create(KubernetesClient client, R configuration, String namespace, String fieldManager) {
        R created;
        try {
            created = client.resource(configuration).fieldManager(fieldManager).serverSideApply();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            return null;
        }
        boolean existedBefore = created.getMetadata().getManagedFields() != null && created.getMetadata().getManagedFields()
                .stream().anyMatch(entry -> !fieldManager.equals(entry.getManager()));
        if (!existedBefore) {
            return created;
        }
        R nothing = client.getKubernetesSerialization().convertValue(Map.of("apiVersion", configuration.getApiVersion(),
                "kind", configuration.getKind(), "metadata", Map.of("name", configuration.getMetadata().getName(), "namespace", namespace)), type);
        client.resource(nothing).fieldManager(fieldManager).serverSideApply();
        return null;
    }

    /** A child is the topology's when it names the topology (this incarnation, by uid) as an owner. */
    public static boolean isOwnedBy(HasMetadata child, NetworkTopology topology) {
        List<OwnerReference> refs = child.getMetadata().getOwnerReferences();
        return refs != null && refs.stream().anyMatch(r -> topology.getMetadata().getUid() != null
                && topology.getMetadata().getUid().equals(r.getUid()));
    }

    public static OwnerReference ownerReference(NetworkTopology topology) {
        return new OwnerReferenceBuilder()
                .withApiVersion(NetworkTopology.API_VERSION)
                .withKind(NetworkTopology.KIND)
                .withName(topology.getMetadata().getName())
                .withUid(topology.getMetadata().getUid())
                .withController(true)
                .build();
    }

    private static String conflictMessage(HasMetadata existing, NetworkTopology topology) {
        Map<String, String> labels = existing.getMetadata().getLabels() == null ? Map.of() : existing.getMetadata().getLabels();
        String what = existing.getKind() + " " + existing.getMetadata().getName();
        if (ChildLabels.MANAGED_BY_VALUE.equals(labels.get(ChildLabels.MANAGED_BY)) && labels.get(ChildLabels.TOPOLOGY) != null
                && !labels.get(ChildLabels.TOPOLOGY).equals(topology.getMetadata().getName())) {
            return what + " already belongs to topology " + labels.get(ChildLabels.TOPOLOGY)
                    + " in this namespace; it was left untouched";
        }
        return what + " already exists and was not created by this topology; it was left untouched "
                + "(delete it, or rename it in the spec)";
    }
}
