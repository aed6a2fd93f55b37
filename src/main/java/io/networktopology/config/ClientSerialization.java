package io.networktopology.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * How the operator's client reads and writes objects: {@code metadata.managedFields} without its field sets.
 *
 * <p>Every object the operator watches — topologies, their Services, Ingresses and EndpointSlices, the Corefile — is
 * held in an informer cache, and most of what such an object weighs in memory is its {@code managedFields}: for every
 * writer, a tree of maps naming each field it set ({@code fieldsV1}). The operator reads one thing there: the names of
 * an object's writers (did its apply meet an object someone else had created?). So an entry keeps its {@code manager}
 * and {@code operation} and loses the rest when read.
 *
 * <p>And the operator never sends {@code managedFields}. An update that sent entries without their field sets would
 * replace every writer's record of what it owns; an update without the field leaves the API server's record as it is.
 * (Server-side apply refuses a configuration that carries it anyway.)
 */
public final class ClientSerialization {

    private ClientSerialization() {
    }

    /** Read, never written. */
    @JsonIgnoreProperties(value = "managedFields", allowSetters = true)
    abstract static class ObjectMetaMixin {
    }

    /** Who wrote, and how; not what. */
    @JsonIgnoreProperties({"apiVersion", "fieldsType", "fieldsV1", "subresource", "time"})
    abstract static class ManagedFieldsEntryMixin {
    }

    /** {@code mapper}, made to read and write metadata as the operator's client does. */
    public static ObjectMapper customize(ObjectMapper mapper) {
        return mapper.addMixIn(ObjectMeta.class, ObjectMetaMixin.class).addMixIn(ManagedFieldsEntry.class, ManagedFieldsEntryMixin.class);
    }

    /** The serialization of the operator's client, for a client built outside Quarkus (the benchmark, tests). */
    public static KubernetesSerialization create() {
        return new KubernetesSerialization(customize(new ObjectMapper()), true);
    }
}
