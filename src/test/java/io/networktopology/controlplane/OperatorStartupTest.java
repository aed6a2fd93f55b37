package io.networktopology.controlplane;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.status.ConditionList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged operator (target/quarkus-app, as the image runs it) started against a real API server the way a new
 * user does it: before the CRD is installed. Its log says in one line where it runs, and in one line that the CRD is
 * missing and how to install it (a trial found 291 lines of traces); once the CRD is there it starts by itself.
 */
@ExtendWith(RealControlPlaneExtension.class)
class OperatorStartupTest {

    @Test
    void withoutTheCrdItSaysSoInOneLineAndStartsByItselfOnceItIsInstalled(ControlPlane plane) throws Exception {
        Path log = plane.dir().resolve("operator.log");
        Process operator = plane.packagedOperator(log, ControlPlane.freePort()).start();
        try (KubernetesClient client = plane.client()) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(text(log))
                    .contains("network-topology-operator starting: API server https://127.0.0.1:")
                    .contains(", watching all namespaces, no leader election (one replica)")
                    .contains("the NetworkTopology CRD (networktopologies.networktopology.io) is not installed in the cluster at https://127.0.0.1:")
                    .contains("install it with 'kubectl apply -k crds/'; the operator starts once it is there"));
            // Three polls later: still that one line, no traces.
            await().pollDelay(Duration.ofSeconds(16)).atMost(Duration.ofSeconds(20)).until(() -> true);
            String waiting = text(log);
            System.out.println("[operator log while the CRD is missing]\n" + waiting);
            assertThat(waiting.lines().filter(l -> l.contains("is not installed"))).hasSize(1);
            assertThat(waiting.lines().filter(l -> l.startsWith("\tat ") || l.startsWith("Caused by"))).as("stack trace lines").isEmpty();
            assertThat(waiting.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))).hasSize(1);

            // As the log says, with the real kubectl: the documented command works as written.
            Process apply = new ProcessBuilder(plane.bin("kubectl").toString(), "--kubeconfig", plane.kubeconfig().toString(),
                    "apply", "-k", "crds/").redirectErrorStream(true).start();
            String applied = new String(apply.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(apply.waitFor()).as(applied).isZero();
            assertThat(applied).contains("customresourcedefinition.apiextensions.k8s.io/networktopologies.networktopology.io created");
            client.resource(new NamespaceBuilder().withNewMetadata().withName("late").endMetadata().build()).create();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                client.resource(topology("late", "web", clusterIp("web"))).create();
                return true;
            });
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                NetworkTopology t = client.resources(NetworkTopology.class).inNamespace("late").withName("web").get();
                assertThat(t.getStatus()).isNotNull();
                assertThat(ConditionList.find(t.getStatus().getConditions(), "Ready").getStatus()).isEqualTo("True");
            });
            assertThat(text(log)).contains("the NetworkTopology CRD is installed now: starting");
        } finally {
            operator.destroy();
            if (!operator.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                operator.destroyForcibly();
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            System.out.println("[operator log, last lines]\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
        }
    }

    private static String text(Path log) throws java.io.IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}
