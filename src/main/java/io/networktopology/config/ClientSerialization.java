package io.networktopology.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
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
 *
 * <p>And a short string read is the one instance of its text ({@link String#intern}): the caches hold the same label
 * keys and values, kinds, API versions, owner names and uids, types and protocols over and over — at 10,000 topologies
 * (50,000 Services) strings were 190 MB of a 470 MB heap, most of them copies.
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

    /** Strings up to this length are shared; a longer one (a Corefile, an annotation with a whole object) is rarely repeated. */
    static final int SHARED_UP_TO = 256;

    /** A string read: the JVM's one instance of its text, when it is short. */
    static final class SharedStrings extends StdScalarDeserializer<String> {

        SharedStrings() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws java.io.IOException {
            String text = StringDeserializer.instance.deserialize(parser, context);
            return text != null && text.length() <= SHARED_UP_TO ? text.intern() : text;
        }
    }

    /** {@code mapper}, made to read and write metadata as the operator's client does. */
    public static ObjectMapper customize(ObjectMapper mapper) {
        return mapper.addMixIn(ObjectMeta.class, ObjectMetaMixin.class).addMixIn(ManagedFieldsEntry.class, ManagedFieldsEntryMixin.class)
                .registerModule(new SimpleModule("networktopology-shared-strings").addDeserializer(String.class, new SharedStrings()));
    }

    /** The serialization of the operator's client, for a client built outside Quarkus (the benchmark, tests). */
    public static KubernetesSerialization create() {
        return new KubernetesSerialization(customize(new ObjectMapper()), true);
    }
}
