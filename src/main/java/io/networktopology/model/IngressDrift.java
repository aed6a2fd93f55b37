package io.networktopology.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.Objects;

/**
 * Whether an existing Ingress still says what the topology wants, and the update that makes it so. The API server
 * defaults nothing in an Ingress spec, so the whole spec is compared (as JSON, so that empty and absent lists,
 * which the API treats alike, compare equal).
 */
public final class IngressDrift {

    private IngressDrift() {
    }

    public static boolean matches(Ingress desired, Ingress actual) {
        return OwnedMetadata.matches(desired.getMetadata(), actual.getMetadata())
                && Objects.equals(normalized(desired.getSpec()), normalized(actual.getSpec()));
    }

    public static Ingress updated(Ingress desired, Ingress actual) {
        ObjectMeta meta = new IngressBuilder(actual).build().getMetadata();
        OwnedMetadata.merge(meta, desired.getMetadata(), actual);
        return new IngressBuilder().withMetadata(meta).withSpec(new IngressBuilder(desired).build().getSpec())
                .withStatus(actual.getStatus()).build();
    }

    public static Ingress withOwnedKeys(Ingress desired) {
        Ingress copy = new IngressBuilder(desired).build();
        OwnedMetadata.recordOwnedKeys(copy.getMetadata());
        return copy;
    }

    private static Object normalized(IngressSpec spec) {
        // Fabric8 omits empty lists and nulls when serializing, exactly the equivalence the API has.
        return spec == null ? null : Serialization.unmarshal(Serialization.asJson(spec), Object.class);
    }
}
