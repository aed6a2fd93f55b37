package io.networktopology.status;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiRefusalTest {

    static KubernetesClientException refused(int code, Status status) {
        return new KubernetesClientException("Failure executing: POST at: https://10.96.0.1:443/api/v1/namespaces/shop/services. Message: "
                + status.getMessage() + ". Received status: " + status + ".", code, status);
    }

    @Test
    void fieldErrorsOfARefusedServiceAreSaidInWords() {
        Status status = new StatusBuilder().withCode(422).withReason("Invalid")
                .withMessage("Service \"admin\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated")
                .withNewDetails().withKind("Service").withName("admin")
                .addNewCause().withField("spec.ports[0].nodePort").withMessage("Invalid value: 30080: provided port is already allocated")
                .withReason("FieldValueInvalid").endCause()
                .addNewCause().withField("spec.type").withMessage("Unsupported value: \"Foo\"").endCause().endDetails().build();
        ApiRefusal refusal = ApiRefusal.of(new RuntimeException(refused(422, status)));
        assertThat(refusal.reason()).isEqualTo("ServiceRejected");
        assertThat(refusal.message()).isEqualTo("Service admin refused by the API server: nodePort 30080 is already allocated in this cluster;"
                + " spec.type: Unsupported value: \"Foo\"; retrying");
    }

    @Test
    void forbiddenAndOtherErrorsAreOneLineWithoutTypeNamesOrTraces() {
        Status forbidden = new StatusBuilder().withCode(403).withReason("Forbidden")
                .withMessage("services is forbidden: User \"system:serviceaccount:nto:op\" cannot create resource \"services\"").build();
        ApiRefusal refusal = ApiRefusal.of(refused(403, forbidden));
        assertThat(refusal.reason()).isEqualTo("ReconcileFailed");
        assertThat(refusal.message()).isEqualTo("forbidden to the operator (check its RBAC): services is forbidden: User"
                + " \"system:serviceaccount:nto:op\" cannot create resource \"services\"");

        ApiRefusal down = ApiRefusal.of(new KubernetesClientException("An error has occurred.", new java.net.ConnectException("Connection refused\n\tat x")));
        assertThat(down.message()).isEqualTo("reconcile failed, retrying: Connection refused");
        assertThat(ApiRefusal.of(new NullPointerException()).message()).isEqualTo("reconcile failed, retrying: NullPointerException");
        assertThat(ApiRefusal.of(new IllegalStateException("x".repeat(1000))).message()).hasSize(400).endsWith("…");
    }

    @Test
    void aNamespaceBeingDeletedIsRecognised() {
        Status terminating = new StatusBuilder().withCode(403).withReason("Forbidden")
                .withMessage("services \"web\" is forbidden: unable to create new content in namespace shop because it is being terminated")
                .withNewDetails().withKind("services").withName("web").addNewCause().withReason("NamespaceTerminating")
                .withMessage("namespace shop is being terminated").withField("metadata.namespace").endCause().endDetails().build();
        assertThat(ApiRefusal.namespaceTerminating(new RuntimeException(refused(403, terminating)))).isTrue();
        Status forbidden = new StatusBuilder().withCode(403).withReason("Forbidden").withMessage("services is forbidden: User x").build();
        assertThat(ApiRefusal.namespaceTerminating(refused(403, forbidden))).isFalse();
        assertThat(ApiRefusal.namespaceTerminating(new IllegalStateException("x"))).isFalse();
    }
}
