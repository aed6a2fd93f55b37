package io.networktopology.config;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

public class ClientSerializationTest {

    /** A Service as the API server sends it: two writers, each with the tree of the fields it set. */
    public static final String SERVICE = """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop","resourceVersion":"42",
              "labels":{"app":"web","team":"payments"},
              "managedFields":[
                {"manager":"networktopology-operator/0c5e","operation":"Apply","apiVersion":"v1","time":"2026-12-01T22:00:00Z",
                 "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:ports":{"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:port":{}}}}}},
                {"manager":"kubectl-label","operation":"Update","apiVersion":"v1","time":"2026-12-01T22:01:00Z",
                 "fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{"f:team":{}}}}}]},
             "spec":{"ports":[{"port":80,"protocol":"TCP"}],"clusterIP":"10.96.0.10"}}
            """;

    final KubernetesSerialization json = ClientSerialization.create();

    @Test
    void anObjectReadKeepsItsWritersButNotTheFieldsEachSet() {
        Service service = json.unmarshal(SERVICE, Service.class);

        assertThat(service.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager, ManagedFieldsEntry::getOperation)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("networktopology-operator/0c5e", "Apply"),
                        org.assertj.core.groups.Tuple.tuple("kubectl-label", "Update"));
        assertThat(service.getMetadata().getManagedFields()).allSatisfy(entry -> {
            assertThat(entry.getFieldsV1()).isNull();
            assertThat(entry.getTime()).isNull();
            assertThat(entry.getAdditionalProperties()).as("nothing kept aside either").isEmpty();
        });
        assertThat(service.getMetadata().getLabels()).containsEntry("team", "payments");
        assertThat(service.getSpec().getClusterIP()).isEqualTo("10.96.0.10");
        assertThat(service.getMetadata().getAdditionalProperties()).isEmpty();
    }

    @Test
    void anObjectWrittenNeverCarriesManagedFieldsSoTheApiServerKeepsItsOwn() {
        ConfigMap corefile = new KubernetesSerialization().unmarshal("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"coredns","namespace":"kube-system","resourceVersion":"7",
                  "managedFields":[{"manager":"kubeadm","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1",
                                    "fieldsV1":{"f:data":{".":{},"f:Corefile":{}}}}]},
                 "data":{"Corefile":".:53 {\\n    forward . /etc/resolv.conf\\n}\\n"}}
                """, ConfigMap.class);

        String sent = json.asJson(corefile);

        assertThat(sent).doesNotContain("managedFields").doesNotContain("kubeadm")
                .contains("\"resourceVersion\":\"7\"").contains("forward . /etc/resolv.conf");
        assertThat(json.asJson(json.unmarshal(SERVICE, Service.class))).doesNotContain("managedFields").contains("\"team\":\"payments\"");
    }

    @Test
    void theSameShortTextReadTwiceIsOneString() {
        Service first = json.unmarshal(SERVICE, Service.class);
        Service second = json.unmarshal(SERVICE, Service.class);

        assertThat(second.getMetadata().getLabels().get("team")).isSameAs(first.getMetadata().getLabels().get("team"));
        assertThat(second.getSpec().getClusterIP()).isSameAs(first.getSpec().getClusterIP());
        assertThat(second.getSpec().getPorts().get(0).getProtocol()).isSameAs(first.getSpec().getPorts().get(0).getProtocol());
        assertThat(second.getMetadata().getManagedFields().get(0).getManager()).isSameAs(first.getMetadata().getManagedFields().get(0).getManager());
        String corefile = ".:53 {\\n" + "    hosts {\\n".repeat(40) + "}\\n";
        ConfigMap big = json.unmarshal("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"Corefile\":\"" + corefile + "\"}}", ConfigMap.class);
        assertThat(big.getData().get("Corefile")).as("a long text is read as it is").hasSizeGreaterThan(ClientSerialization.SHARED_UP_TO)
                .startsWith(".:53 {\n");
    }

    @Test
    void theDefaultSerializationIsUntouched() {
        Service service = new KubernetesSerialization().unmarshal(SERVICE, Service.class);

        assertThat(service.getMetadata().getManagedFields()).allSatisfy(entry -> assertThat(entry.getFieldsV1()).isNotNull());
        assertThat(new KubernetesSerialization().asJson(service)).contains("managedFields");
    }
}
