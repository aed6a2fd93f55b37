package io.networktopology.controlplane;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.networktopology.reconciler.LeaderElection;
import io.networktopology.reconciler.NetworkTopologyReconciler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;

import java.time.Duration;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two operator instances with leader election, against the real API server (Leases, and the access review JOSDK
 * makes before electing): one reconciles, the other stays passive and takes over when the first stops.
 */
@ExtendWith(RealControlPlaneExtension.class)
class LeaderElectionTest {

    private static Operator instance(ControlPlane plane, String identity, NetworkTopologyReconciler reconciler) {
        KubernetesClient client = plane.client();
        Operator operator = new Operator(o -> o.withKubernetesClient(client)
                .withLeaderElectionConfiguration(LeaderElection.configuration("default", identity,
                        Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(200))));
        operator.register(reconciler);
        return operator;
    }

    @Test
    void aSecondInstanceStaysPassiveAndTakesOverWhenTheLeaderStops(ControlPlane plane) throws Exception {
        try (KubernetesClient client = plane.client()) {
            CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(Path.of(RealApiServerTest.CRD)), CustomResourceDefinition.class);
            client.resource(crd).create();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                CustomResourceDefinition c = client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).get();
                return c.getStatus() != null && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
                        .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus()));
            });
            client.resource(new NamespaceBuilder().withNewMetadata().withName("ha").endMetadata().build()).create();
            NetworkTopologyReconciler first = new NetworkTopologyReconciler("cluster.local");
            NetworkTopologyReconciler second = new NetworkTopologyReconciler("cluster.local");
            Operator a = instance(plane, "replica-a", first);
            a.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> holder(client).equals("replica-a"));
            Operator b = instance(plane, "replica-b", second);
            b.start();

            client.resource(topology("ha", "one", clusterIp("web"))).create();
            await().atMost(Duration.ofSeconds(20)).until(() -> client.services().inNamespace("ha").withName("web").get() != null);
            await().atMost(Duration.ofSeconds(20)).until(() -> first.reconciles() > 0);
            assertThat(second.reconciles()).as("the second instance is passive while the first leads").isZero();
            assertThat(holder(client)).isEqualTo("replica-a");

            a.stop();
            await().atMost(Duration.ofSeconds(30)).until(() -> holder(client).equals("replica-b"));
            client.resource(topology("ha", "two", clusterIp("api"))).create();
            await().atMost(Duration.ofSeconds(20)).until(() -> client.services().inNamespace("ha").withName("api").get() != null);
            await().atMost(Duration.ofSeconds(20)).until(() -> second.reconciles() > 0);
            b.stop();
        }
    }

    private static String holder(KubernetesClient client) {
        Lease lease = client.leases().inNamespace("default").withName(LeaderElection.LEASE_NAME).get();
        return lease == null || lease.getSpec() == null || lease.getSpec().getHolderIdentity() == null ? "" : lease.getSpec().getHolderIdentity();
    }
}
