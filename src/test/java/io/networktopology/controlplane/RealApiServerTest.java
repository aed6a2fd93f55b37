package io.networktopology.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.ServiceStatus;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.reconciler.NetworkTopologyReconciler;
import io.networktopology.status.ConditionList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.externalName;
import static io.networktopology.Topologies.ingress;
import static io.networktopology.Topologies.port;
import static io.networktopology.Topologies.service;
import static io.networktopology.Topologies.topology;
import static io.networktopology.Topologies.withIngresses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the embedded mock cannot prove, against a real kube-apiserver, etcd and kube-controller-manager: the CRD's
 * schema and CEL rules at admission, API-server allocation and defaulting, garbage collection, and kubectl.
 * The operator is the production reconciler run by plain JOSDK, as in the benchmark.
 */
@ExtendWith(RealControlPlaneExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealApiServerTest {

    static final String CRD = "crds/networktopologies.networktopology.io-v1.yml";
    static final String NS = "real";
    static KubernetesClient client;
    static Operator operator;
    static NetworkTopologyReconciler reconciler;

    @BeforeAll
    static void installCrdAndStartTheOperator(ControlPlane plane) throws Exception {
        client = plane.client();
        installCrd(client);
        for (String ns : List.of(NS, "admission")) {
            client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        }
        startOperator(plane);
    }

    /** Creates the committed CRD and waits until the API server serves it. */
    static void installCrd(KubernetesClient client) throws Exception {
        CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(Path.of(CRD)), CustomResourceDefinition.class);
        client.resource(crd).create();
        await().atMost(Duration.ofSeconds(60)).conditionEvaluationListener(e -> {
            if (e.getRemainingTimeInMS() < 1000) {
                System.out.println("CRD now: " + Serialization.asYaml(client.apiextensions().v1().customResourceDefinitions()
                        .withName(crd.getMetadata().getName()).get().getStatus()));
            }
        }).until(() -> established(client, crd.getMetadata().getName()));
    }

    static boolean established(KubernetesClient client, String crd) {
        CustomResourceDefinition c = client.apiextensions().v1().customResourceDefinitions().withName(crd).get();
        return c != null && c.getStatus() != null && c.getStatus().getConditions() != null
                && c.getStatus().getConditions().stream().anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus()));
    }

    static void startOperator(ControlPlane plane) {
        reconciler = new NetworkTopologyReconciler("cluster.local");
        KubernetesClient operatorClient = plane.operatorClient();
        operator = new Operator(o -> o.withKubernetesClient(operatorClient));
        operator.register(reconciler);
        operator.start();
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.stop();
        }
        if (client != null) {
            client.close();
        }
    }

    static Stream<Path> samples(String dir) throws Exception {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/admission", dir))) {
            return files.sorted().toList().stream();
        }
    }

    /** The NetworkTopology document of the file (examples/shop.yaml starts with its Namespace). */
    private static JsonNode yaml(Path file) throws Exception {
        try (var docs = new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file, StandardCharsets.UTF_8))) {
            for (JsonNode doc : docs.readAll()) {
                if ("NetworkTopology".equals(doc.path("kind").asText())) {
                    return doc;
                }
            }
        }
        throw new AssertionError("no NetworkTopology in " + file);
    }

    /** A dry-run create with strict field validation, as {@code kubectl apply} sends it. */
    private static HttpResponse<String> admit(ControlPlane plane, JsonNode topology) throws Exception {
        return plane.request("POST", "/apis/networktopology.io/v1alpha1/namespaces/admission/networktopologies?dryRun=All&fieldValidation=Strict",
                new ObjectMapper().writeValueAsString(topology));
    }

    @Test
    @Order(1)
    void theApiServerAdmitsEveryGoodSampleAndTheExample(ControlPlane plane) throws Exception {
        List<String> refused = new ArrayList<>();
        List<Path> good = new ArrayList<>(samples("good").toList());
        good.add(Path.of("examples/shop.yaml"));
        good.add(Path.of("examples/hello.yaml"));
        good.add(Path.of("examples/shop-gateway.yaml"));
        for (Path file : good) {
            JsonNode topology = yaml(file);
            ((com.fasterxml.jackson.databind.node.ObjectNode) topology.get("metadata")).remove("namespace");
            HttpResponse<String> response = admit(plane, topology);
            if (response.statusCode() != 201) {
                refused.add(file + ": " + response.statusCode() + " " + message(response.body()));
            }
        }
        assertThat(refused).as("good samples the real API server refused").isEmpty();
    }

    @Test
    @Order(2)
    void theApiServerRefusesEveryBadSampleWithTheExpectedMessage(ControlPlane plane) throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Path file : samples("bad").toList()) {
            String text = Files.readString(file);
            String expected = text.lines().findFirst().orElseThrow().replaceFirst("^# expect: ", "").strip();
            JsonNode topology = new YAMLMapper().readTree(text);
            ((com.fasterxml.jackson.databind.node.ObjectNode) topology.get("metadata")).remove("namespace");
            HttpResponse<String> response = admit(plane, topology);
            String message = message(response.body());
            if (response.statusCode() < 400 || !message.contains(expected)) {
                wrong.add(file.getFileName() + ": HTTP " + response.statusCode() + ", expected \"" + expected + "\" in: " + message);
            }
        }
        assertThat(wrong).as("bad samples not refused as the admission test expects").isEmpty();
    }

    private static String message(String body) {
        try {
            return new ObjectMapper().readTree(body).path("message").asText(body);
        } catch (Exception e) {
            return body;
        }
    }

    @Test
    @Order(3)
    void clusterIpsAndNodePortsAllocatedByTheApiServerAppearInStatus() {
        var nodePort = service("admin", ServiceType.NodePort, port("http", 8080, 8080));
        var headless = service("db", ServiceType.Headless, port("pg", 5432, 5432));
        client.resource(withIngresses(topology(NS, "shop", clusterIp("web"), nodePort, headless,
                externalName("pay", "payments.example.com")), ingress("shop", "shop.example.com", "/=web:80"))).create();

        await().atMost(Duration.ofSeconds(60)).until(() -> {
            NetworkTopology t = client.resources(NetworkTopology.class).inNamespace(NS).withName("shop").get();
            return t.getStatus() != null && "4/4".equals(t.getStatus().getServicesReady());
        });
        NetworkTopology t = client.resources(NetworkTopology.class).inNamespace(NS).withName("shop").get();
        Service web = client.services().inNamespace(NS).withName("web").get();
        Service admin = client.services().inNamespace(NS).withName("admin").get();
        ServiceStatus webStatus = t.getStatus().getServices().get(0);
        assertThat(web.getSpec().getClusterIP()).startsWith("10.96.");
        assertThat(webStatus.getClusterIPs()).containsExactly(web.getSpec().getClusterIP());
        assertThat(webStatus.getPath()).isEqualTo("web.real.svc.cluster.local:80 → ClusterIP " + web.getSpec().getClusterIP()
                + ":80 → pods app=web :8080");
        Integer allocated = admin.getSpec().getPorts().get(0).getNodePort();
        assertThat(allocated).isBetween(30000, 32767);
        assertThat(t.getStatus().getServices().get(1).getNodePorts()).singleElement()
                .satisfies(p -> assertThat(p.getNodePort()).isEqualTo(allocated));
        assertThat(t.getStatus().getServices().get(2).getClusterIPs()).as("headless").isNull();
        assertThat(ConditionList.find(t.getStatus().getConditions(), "IngressesReady").getReason())
                .as("no ingress controller runs here").isEqualTo("AwaitingAddress");
        assertThat(web.getSpec().getIpFamilies()).as("defaulted by the API server").containsExactly("IPv4");
        assertThat(web.getSpec().getIpFamilyPolicy()).isEqualTo("SingleStack");
    }

    @Test
    @Order(4)
    void nothingIsWrittenAgainAlthoughTheApiServerDefaultedTheServices(ControlPlane plane) throws Exception {
        // Quiet first: the API server's defaults must not look like drift (no update loop).
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofSeconds(2)).until(() -> {
            long before = reconciler.childWrites() + reconciler.statusWrites();
            Thread.sleep(1500);
            return reconciler.childWrites() + reconciler.statusWrites() == before;
        });
        // Then a full resync by a fresh operator with empty caches, like a restart.
        operator.stop();
        startOperator(plane);
        // Every topology's first reconcile counted (a reconcile is counted when it has ended, with its writes): a count,
        // not a window of time.
        int topologies = client.resources(NetworkTopology.class).inAnyNamespace().list().getItems().size();
        await().atMost(Duration.ofSeconds(30)).until(() -> reconciler.reconciles() >= topologies);
        assertThat(reconciler.childWrites()).as("Service/Ingress writes after a resync with nothing changed").isZero();
        assertThat(reconciler.statusWrites()).as("status writes after a resync with nothing changed").isZero();
    }

    @Test
    @Order(5)
    void kubectlGetShowsThePrinterColumns(ControlPlane plane) throws Exception {
        Process kubectl = new ProcessBuilder(plane.bin("kubectl").toString(), "--kubeconfig", plane.kubeconfig().toString(), "get", "ntopo", "-n", NS)
                .redirectErrorStream(true).start();
        String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor()).as(out).isZero();
        System.out.print("[kubectl get ntopo -n real]\n" + out);
        // The order users read: what there is, whether it works, why, how old.
        assertThat(out.lines().findFirst().orElseThrow()).matches("NAME\\s+SERVICES\\s+INGRESSES\\s+CONNECTIVITY\\s+READY\\s+REASON\\s+AGE\\s*");
        assertThat(out).containsPattern("shop\\s+4/4\\s+0/1\\s+False\\s+AwaitingAddress\\s+\\S+");
        Process wide = new ProcessBuilder(plane.bin("kubectl").toString(), "--kubeconfig", plane.kubeconfig().toString(), "get", "ntopo", "-n", NS,
                "-o", "wide").redirectErrorStream(true).start();
        String wideOut = new String(wide.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(wide.waitFor()).as(wideOut).isZero();
        System.out.print("[kubectl get ntopo -n real -o wide]\n" + wideOut);
        assertThat(wideOut.lines().findFirst().orElseThrow()).matches("NAME\\s+SERVICES\\s+INGRESSES\\s+CONNECTIVITY\\s+READY\\s+REASON\\s+AGE\\s+DNS\\s+ROUTES\\s+LAST PROBE\\s*");
        assertThat(wideOut).containsPattern("shop\\s+4/4\\s+0/1\\s+False\\s+AwaitingAddress\\s+\\S+\\s+NoDnsEntries");

        // kubectl explain reads the CRD's published schema: a description for the object, its spec and its fields.
        for (String field : List.of("ntopo", "ntopo.spec", "ntopo.spec.services.ports.port", "ntopo.status.services.state",
                "ntopo.status.conditions.reason")) {
            Process explain = new ProcessBuilder(plane.bin("kubectl").toString(), "--kubeconfig", plane.kubeconfig().toString(), "explain", field)
                    .redirectErrorStream(true).start();
            String explained = new String(explain.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(explain.waitFor()).as(explained).isZero();
            assertThat(explained).as(field).containsPattern("DESCRIPTION:\\s*\\n\\s+\\S");
            assertThat(explained).as(field).doesNotContain("<empty>");
        }
    }

    @Test
    @Order(6)
    void deletingATopologyGarbageCollectsItsServicesAndIngresses() {
        client.resources(NetworkTopology.class).inNamespace(NS).withName("shop").delete();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                client.resources(NetworkTopology.class).inNamespace(NS).withName("shop").get() == null);
        await().atMost(Duration.ofSeconds(60)).until(() -> client.services().inNamespace(NS).list().getItems().stream()
                .noneMatch(s -> s.getMetadata().getLabels() != null
                        && "shop".equals(s.getMetadata().getLabels().get("networktopology.io/topology")))
                && client.network().v1().ingresses().inNamespace(NS).list().getItems().isEmpty());
    }

    @Test
    @Order(7)
    void aTopologyWithoutSpecIsAnEmptyTopologyNotACrash(ControlPlane plane) throws Exception {
        // Admitted by the API server (spec is optional), and found by a trial to crash the reconcile with an NPE.
        Process kubectl = new ProcessBuilder(plane.bin("kubectl").toString(), "--kubeconfig", plane.kubeconfig().toString(), "apply", "-f", "-")
                .redirectErrorStream(true).start();
        kubectl.getOutputStream().write(("apiVersion: networktopology.io/v1alpha1\nkind: NetworkTopology\n"
                + "metadata: {name: empty, namespace: " + NS + "}\n").getBytes(StandardCharsets.UTF_8));
        kubectl.getOutputStream().close();
        String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor()).as(out).isZero();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            NetworkTopology t = client.resources(NetworkTopology.class).inNamespace(NS).withName("empty").get();
            assertThat(t.getStatus()).isNotNull();
            assertThat(ConditionList.find(t.getStatus().getConditions(), "Ready").getStatus()).as(String.valueOf(t.getStatus().getConditions()))
                    .isEqualTo("True");
            assertThat(t.getStatus().getServicesReady()).isEqualTo("0/0");
        });
    }

    @Test
    @Order(8)
    void aTakenNodePortIsSaidPlainlyAndTheTopologyRecoversByItselfOnceItIsFree() {
        // Found by a trial: the second topology got an exception dump as its Ready message, no Event, and stayed failed
        // after the port was freed, once JOSDK's five retries were spent.
        var first = service("first", ServiceType.NodePort, port("http", 80, 8080));
        first.getPorts().get(0).setNodePort(30099);
        var second = service("second", ServiceType.NodePort, port("http", 80, 8080));
        second.getPorts().get(0).setNodePort(30099);
        client.resource(topology(NS, "port-a", first)).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.services().inNamespace(NS).withName("first").get() != null);
        client.resource(topology(NS, "port-b", second)).create();

        String plain = "ServicesReady: second: not created: refused by the API server: nodePort 30099 is already allocated in this cluster; "
                + "tried again at every change and every minute";
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            // An assertion, not a dereference: awaitility retries an AssertionError, never a NullPointerException.
            NetworkTopology b = client.resources(NetworkTopology.class).inNamespace(NS).withName("port-b").get();
            assertThat(b.getStatus()).as("port-b's status, written by its first reconcile").isNotNull();
            var ready = ConditionList.find(b.getStatus().getConditions(), "Ready");
            assertThat(ready).isNotNull();
            assertThat(ready.getReason()).isEqualTo("ServiceRejected");
            assertThat(ready.getMessage()).isEqualTo(plain);
            var services = ConditionList.find(b.getStatus().getConditions(), "ServicesReady");
            assertThat(services.getStatus() + " " + services.getReason()).as("the part that failed says so too").isEqualTo("False ServiceRejected");
        });
        assertThat(client.v1().events().inNamespace(NS).list().getItems()).as("a Warning Event kubectl describe shows")
                .anySatisfy(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getReason()).isEqualTo("ServiceRejected");
                    assertThat(e.getMessage()).isEqualTo(plain);
                    assertThat(e.getInvolvedObject().getName()).isEqualTo("port-b");
                });

        // Let JOSDK's default five retries (about 26 s) pass, then free the port: the topology looks again every minute.
        await().pollDelay(Duration.ofSeconds(35)).atMost(Duration.ofSeconds(40)).until(() -> true);
        client.resources(NetworkTopology.class).inNamespace(NS).withName("port-a").delete();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            NetworkTopology b = client.resources(NetworkTopology.class).inNamespace(NS).withName("port-b").get();
            assertThat(ConditionList.find(b.getStatus().getConditions(), "Ready").getStatus()).isEqualTo("True");
            assertThat(client.services().inNamespace(NS).withName("second").get().getSpec().getPorts().get(0).getNodePort()).isEqualTo(30099);
        });
        client.resources(NetworkTopology.class).inNamespace(NS).withName("port-b").delete();
    }

    @Test
    @Order(9)
    void aHandEditOfAChildsTopologyLabelIsPutBackByItself() {
        // Found by a trial: the label was the only way back to the topology, so an edit hid the Service from it.
        client.resource(topology(NS, "labels", clusterIp("labelled"))).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.services().inNamespace(NS).withName("labelled").get() != null);
        client.services().inNamespace(NS).withName("labelled").edit(s -> {
            s.getMetadata().getLabels().put("networktopology.io/topology", "someone-else");
            return s;
        });
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(client.services().inNamespace(NS).withName("labelled").get()
                .getMetadata().getLabels()).containsEntry("networktopology.io/topology", "labels"));
        client.resources(NetworkTopology.class).inNamespace(NS).withName("labels").delete();
    }

    @Test
    @Order(10)
    void deletingANamespaceThatHoldsTopologiesIsQuiet() throws Exception {
        // Found by a trial: every topology of the namespace turned ReconcileFailed (with WARN traces) while it went away.
        client.resource(new NamespaceBuilder().withNewMetadata().withName("doomed").endMetadata().build()).create();
        for (int i = 0; i < 3; i++) {
            client.resource(withIngresses(topology("doomed", "t" + i, clusterIp("web" + i)), ingress("in" + i, "t" + i + ".example.com",
                    "/=web" + i + ":80"))).create();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> client.resources(NetworkTopology.class).inNamespace("doomed").list().getItems().stream()
                .allMatch(t -> t.getStatus() != null && "1/1".equals(t.getStatus().getServicesReady())));
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var watch = client.resources(NetworkTopology.class).inNamespace("doomed").watch(new io.fabric8.kubernetes.client.Watcher<>() {
            @Override
            public void eventReceived(Action action, NetworkTopology t) {
                if (t.getStatus() != null && t.getStatus().getConditions() != null) {
                    t.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                            .forEach(c -> seen.add(t.getMetadata().getName() + " " + c.getReason() + ": " + c.getMessage()));
                }
            }

            @Override
            public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
            }
        })) {
            client.namespaces().withName("doomed").delete();
            await().atMost(Duration.ofMinutes(2)).until(() -> client.namespaces().withName("doomed").get() == null);
        }
        assertThat(seen).as("Ready while the namespace went away").noneSatisfy(r -> assertThat(r).contains("ReconcileFailed"));
    }

    @Test
    @Order(11)
    void whatTheValidatorAcceptsTheApiServerAdmits(ControlPlane plane) throws Exception {
        // render and the operator validate with TopologyValidator; users apply to the API server. A topology render calls
        // fine must never be refused there. (The validator may refuse more: rules the CRD cannot express.)
        int bothAccept = 0;
        int bothRefuse = 0;
        List<String> onlyValidatorRefuses = new ArrayList<>();
        List<String> onlyApiRefuses = new ArrayList<>();
        List<NetworkTopology> samples = io.networktopology.properties.RandomTopologies.topologies().sampleStream().limit(400).toList();
        for (NetworkTopology topology : samples) {
            JsonNode json = new ObjectMapper().readTree(Serialization.asJson(topology));
            ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("metadata")).remove("namespace");
            HttpResponse<String> response = admit(plane, json);
            var problems = io.networktopology.model.TopologyValidator.validate(topology);
            boolean admitted = response.statusCode() < 400;
            if (admitted && problems.isEmpty()) {
                bothAccept++;
            } else if (!admitted && !problems.isEmpty()) {
                bothRefuse++;
            } else if (admitted) {
                onlyValidatorRefuses.add(problems.get(0).toString());
            } else {
                onlyApiRefuses.add(message(response.body()) + "\n    in " + json);
            }
        }
        System.out.printf("[validator vs API server, %d random topologies] both admit %d, both refuse %d, only the validator refuses %d,"
                + " only the API server refuses %d%n", samples.size(), bothAccept, bothRefuse, onlyValidatorRefuses.size(), onlyApiRefuses.size());
        onlyValidatorRefuses.stream().distinct().limit(10).forEach(p -> System.out.println("  only the validator: " + p));
        assertThat(onlyApiRefuses).as("topologies render accepts and the API server refuses").isEmpty();
        assertThat(bothAccept).as("enough good topologies among the samples").isGreaterThan(5);
    }

    @Test
    @Order(12)
    void fieldsOfOtherWritersSurviveTheOperatorsUpdatesAndFieldsDroppedFromTheSpecGo(ControlPlane plane) throws Exception {
        var declared = clusterIp("applied");
        declared.setLabels(Map.of("tier", "frontend"));
        client.resource(topology(NS, "applied", declared)).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.services().inNamespace(NS).withName("applied").get() != null);
        String clusterIp = client.services().inNamespace(NS).withName("applied").get().getSpec().getClusterIP();
        // Another writer — an admin with kubectl, or another controller: a label, an annotation, a spec field.
        kubectl(plane, "-n", NS, "label", "svc", "applied", "team=payments");
        kubectl(plane, "-n", NS, "annotate", "svc", "applied", "example.com/owner=payments");
        kubectl(plane, "-n", NS, "patch", "svc", "applied", "-p", "{\"spec\":{\"trafficDistribution\":\"PreferClose\"}}");
        // The topology changes: another targetPort, and its label goes.
        kubectl(plane, "-n", NS, "patch", "ntopo", "applied", "--type=json", "-p",
                "[{\"op\":\"remove\",\"path\":\"/spec/services/0/labels\"},"
                        + "{\"op\":\"replace\",\"path\":\"/spec/services/0/ports/0/targetPort\",\"value\":9090}]");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(client.services().inNamespace(NS).withName("applied").get()
                .getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(9090));
        System.out.print("[kubectl get svc applied -o yaml]\n" + kubectl(plane, "-n", NS, "get", "svc", "applied", "-o", "yaml"));
        Service after = client.services().inNamespace(NS).withName("applied").get();
        assertThat(after.getMetadata().getLabels()).as("the label the spec no longer declares is gone, the other writer's stays")
                .doesNotContainKey("tier").containsEntry("team", "payments").containsEntry("networktopology.io/topology", "applied");
        assertThat(after.getMetadata().getAnnotations()).containsEntry("example.com/owner", "payments");
        assertThat(after.getSpec().getTrafficDistribution()).as("a spec field the topology does not manage").isEqualTo("PreferClose");
        assertThat(after.getSpec().getClusterIP()).as("allocated by the API server, kept").isEqualTo(clusterIp);
        assertThat(after.getMetadata().getManagedFields()).anySatisfy(f -> {
            assertThat(f.getManager()).startsWith("networktopology-operator/");
            assertThat(f.getOperation()).isEqualTo("Apply");
        });
        // The operator's client keeps no field sets of managedFields in memory: its writes must not send them back.
        assertThat(after.getMetadata().getManagedFields()).as("every writer's record of the fields it owns, after the operator's writes")
                .allSatisfy(f -> assertThat(f.getFieldsV1()).as(f.getManager()).isNotNull())
                .anySatisfy(f -> assertThat(String.valueOf(f.getFieldsV1().getAdditionalProperties())).contains("f:team"))
                .anySatisfy(f -> assertThat(String.valueOf(f.getFieldsV1().getAdditionalProperties())).contains("example.com/owner"));
        NetworkTopology topology = client.resources(NetworkTopology.class).inNamespace(NS).withName("applied").get();
        assertThat(topology.getMetadata().getManagedFields()).as("the topology's writers after the operator's status writes")
                .anySatisfy(f -> assertThat(String.valueOf(f.getFieldsV1().getAdditionalProperties())).contains("f:spec"))
                .anySatisfy(f -> {
                    assertThat(f.getSubresource()).isEqualTo("status");
                    assertThat(String.valueOf(f.getFieldsV1().getAdditionalProperties())).contains("f:conditions");
                });

        // An admin adds a key to the selector: apply replaces a selector whole, so the operator puts it back.
        kubectl(plane, "-n", NS, "patch", "svc", "applied", "-p", "{\"spec\":{\"selector\":{\"version\":\"2\"}}}");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(client.services().inNamespace(NS).withName("applied").get()
                .getSpec().getSelector()).containsExactly(Map.entry("app", "applied")));
        client.resources(NetworkTopology.class).inNamespace(NS).withName("applied").delete();
    }

    private static String kubectl(ControlPlane plane, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(plane.bin("kubectl").toString(), "--kubeconfig", plane.kubeconfig().toString()));
        command.addAll(List.of(args));
        Process kubectl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor()).as(String.join(" ", args) + ": " + out).isZero();
        return out;
    }

    @Test
    @Order(13)
    void aNodePortServiceTurnedClusterIpLosesItsNodePortsAndTrafficPolicy() {
        client.resource(topology(NS, "retype", service("retype", ServiceType.NodePort, port("http", 80, 8080)))).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Service s = client.services().inNamespace(NS).withName("retype").get();
            return s != null && s.getSpec().getPorts().get(0).getNodePort() != null;
        });
        ControlPlane.editTopology(client, NS, "retype", t -> {
            t.getSpec().getServices().get(0).setType(ServiceType.ClusterIP);
            return t;
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> "ClusterIP".equals(client.services().inNamespace(NS).withName("retype").get()
                .getSpec().getType()));
        Service after = client.services().inNamespace(NS).withName("retype").get();
        assertThat(after.getSpec().getPorts().get(0).getNodePort()).isNull();
        assertThat(after.getSpec().getExternalTrafficPolicy()).isNull();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            NetworkTopology t = client.resources(NetworkTopology.class).inNamespace(NS).withName("retype").get();
            return t.getStatus() != null && "1/1".equals(t.getStatus().getServicesReady());
        });
        client.resources(NetworkTopology.class).inNamespace(NS).withName("retype").delete();
    }
    @Test
    @Order(14)
    void aHandEditedPortThatCollidesWithTheDeclaredOneIsPutBackByRecreatingTheServiceWithAnEvent(ControlPlane plane) throws Exception {
        client.resource(topology(NS, "ports", clusterIp("edited"))).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.services().inNamespace(NS).withName("edited").get() != null);
        // The trial's edit: port 80 changed to 81. Apply merges ports by port and protocol, so 81 stayed beside the
        // declared 80 under the same name and the API server refused every apply ("Duplicate value: \"http\"") for ever.
        // Now the refusal is recognised, and the Service made again from the declaration.
        kubectl(plane, "-n", NS, "patch", "svc", "edited", "--type=json", "-p", "[{\"op\":\"replace\",\"path\":\"/spec/ports/0/port\",\"value\":81}]");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(client.services().inNamespace(NS).withName("edited").get()
                .getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort()).containsExactly("http:80"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            NetworkTopology t = client.resources(NetworkTopology.class).inNamespace(NS).withName("ports").get();
            assertThat(ConditionList.find(t.getStatus().getConditions(), "ServicesReady").getStatus()).isEqualTo("True");
            assertThat(ConditionList.find(t.getStatus().getConditions(), "Ready").getReason()).isNotEqualTo("ServiceRejected");
        });
        assertThat(client.v1().events().inNamespace(NS).list().getItems()).as("why the Service was made again, said")
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("Recreating");
                    assertThat(e.getMessage()).isEqualTo("Recreating Service edited: port 81/TCP (http), not declared, collided with the declared ports");
                });
        // A port someone adds that collides with nothing is theirs: it stays, through the operator's next applies.
        kubectl(plane, "-n", NS, "patch", "svc", "edited", "--type=json", "-p",
                "[{\"op\":\"add\",\"path\":\"/spec/ports/-\",\"value\":{\"name\":\"metrics\",\"port\":9100,\"protocol\":\"TCP\"}}]");
        ControlPlane.editTopology(client, NS, "ports", t -> {
            t.getSpec().getServices().get(0).getPorts().get(0).setTargetPort(new io.fabric8.kubernetes.api.model.IntOrString(9090));
            return t;
        });
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(client.services().inNamespace(NS).withName("edited").get()
                .getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort() + "->" + p.getTargetPort().getIntVal())
                .containsExactlyInAnyOrder("http:80->9090", "metrics:9100->9100"));
        client.resources(NetworkTopology.class).inNamespace(NS).withName("ports").delete();
    }
}
