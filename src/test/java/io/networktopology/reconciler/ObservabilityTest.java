package io.networktopology.reconciler;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.networktopology.embedded.EmbeddedKubernetes;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.networktopology.EmbeddedApi;
import io.quarkus.test.common.QuarkusTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Health endpoints, Prometheus metrics and Kubernetes Events of the running operator. */
@QuarkusTest
@QuarkusTestResource(EmbeddedApi.class)
class ObservabilityTest {

    @TestHTTPResource("/q/health/ready")
    URL ready;

    @TestHTTPResource("/q/health/live")
    URL live;

    @TestHTTPResource("/q/metrics")
    URL metrics;

    @Inject
    KubernetesClient client;

    private static HttpResponse<String> get(URL url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url.toURI()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthEndpointsReportTheOperator() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> get(ready).statusCode() == 200);
        assertThat(get(ready).body()).contains("\"status\": \"UP\"");
        assertThat(get(live).statusCode()).isEqualTo(200);
    }

    @Test
    void metricsIncludeReconcilesAndWrites() throws Exception {
        if (client.apiextensions().v1().customResourceDefinitions().withName("networktopologies.networktopology.io").get() == null) {
            EmbeddedKubernetes.installCrd(client);
        }
        client.resource(topology("metrics", "shop", clusterIp("web"))).create();
        await().atMost(Duration.ofSeconds(30)).conditionEvaluationListener(e -> {
            if (e.getRemainingTimeInMS() < 1000) {
                try {
                    get(metrics).body().lines().filter(l -> l.startsWith("networktopology_")).forEach(System.out::println);
                } catch (Exception ex) {
                    System.out.println(ex);
                }
            }
        }).until(() -> get(metrics).body().matches("(?s).*networktopology_reconciles_total(\\{[^}]*})? [1-9].*"));
        String body = get(metrics).body();
        assertThat(body).contains("networktopology_child_writes_total").contains("networktopology_status_writes_total")
                .contains("operator_sdk");
    }

    @Test
    void metricSeriesDoNotGrowWithTopologiesAndEveryMetricSaysWhatItIs() throws Exception {
        if (client.apiextensions().v1().customResourceDefinitions().withName("networktopologies.networktopology.io").get() == null) {
            EmbeddedKubernetes.installCrd(client);
        }
        for (int i = 0; i < 10; i++) {
            client.resource(topology("series", "t" + i, clusterIp("web" + i))).create();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> client.services().inNamespace("series").list().getItems().size() == 10);
        await().atMost(Duration.ofSeconds(30)).until(() -> get(metrics).body().contains("operator_sdk"));
        String body = get(metrics).body();
        // A trial found ~75 JOSDK series per topology (labelled with its name), kept after it was deleted.
        List<String> perTopology = body.lines().filter(l -> !l.startsWith("#") && l.matches(".*\"t[0-9]\".*")).toList();
        assertThat(perTopology).as("series labelled with a topology's name").isEmpty();
        // Every metric has a HELP text that says something.
        List<String> silent = body.lines().filter(l -> l.startsWith("# HELP ") && (l.startsWith("# HELP operator_sdk") || l.startsWith("# HELP networktopology"))
                && l.split(" ", 4).length < 4).toList();
        assertThat(silent).as("metrics without a HELP text").isEmpty();
    }

    @Test
    void eventsTellWhatTheOperatorDid() {
        if (client.apiextensions().v1().customResourceDefinitions().withName("networktopologies.networktopology.io").get() == null) {
            EmbeddedKubernetes.installCrd(client);
        }
        client.resource(topology("events", "shop", clusterIp("web"), clusterIp("api"))).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.v1().events().inNamespace("events").list().getItems().stream()
                .anyMatch(e -> "Created".equals(e.getReason())));
        List<Event> events = client.v1().events().inNamespace("events").list().getItems();
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("Created");
            assertThat(e.getMessage()).as("one Event for both").isEqualTo("Created Service web, Service api");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("NetworkTopology");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("shop");
            assertThat(e.getType()).isEqualTo("Normal");
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> client.v1().events().inNamespace("events").list().getItems().stream()
                .anyMatch(e -> "TopologyReady".equals(e.getReason())));
    }
}
