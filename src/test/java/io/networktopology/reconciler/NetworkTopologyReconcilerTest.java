package io.networktopology.reconciler;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.networktopology.api.v1alpha1.EntryPoint;
import io.networktopology.api.v1alpha1.IngressStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceStatus;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.embedded.ApiServerStandIn;
import io.networktopology.embedded.EmbeddedKubernetes;
import io.networktopology.status.ConditionList;
import io.quarkus.test.junit.QuarkusTest;
import io.networktopology.EmbeddedApi;
import io.quarkus.test.common.QuarkusTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.externalName;
import static io.networktopology.Topologies.ingress;
import static io.networktopology.Topologies.withIngresses;
import static io.networktopology.Topologies.port;
import static io.networktopology.Topologies.service;
import static io.networktopology.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real operator (Quarkus + JOSDK) against the Fabric8 mock server in CRUD mode. The mock allocates nothing:
 * where a test needs cluster IPs, node ports or load balancer addresses it plays the API server itself
 * ({@link #actAsApiServerAndAllocateAddresses}). Each test works in its own namespace.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedApi.class)
class NetworkTopologyReconcilerTest {

    @RegisterExtension
    static ClusterState clusterState = new ClusterState();


    @Inject
    KubernetesClient client;

    @Inject
    NetworkTopologyReconciler reconciler;

    private static boolean crdInstalled;

    @BeforeAll
    static void timeouts() {
        org.awaitility.Awaitility.setDefaultTimeout(Duration.ofSeconds(30));
        org.awaitility.Awaitility.setDefaultPollInterval(Duration.ofMillis(50));
    }

    private void installCrdOnce() {
        if (!crdInstalled && client.apiextensions().v1().customResourceDefinitions()
                .withName("networktopologies.networktopology.io").get() == null) {
            EmbeddedKubernetes.installCrd(client);
        }
        crdInstalled = true;
    }

    private NetworkTopology apply(NetworkTopology topology) {
        installCrdOnce();
        return client.resource(topology).create();
    }

    private NetworkTopology get(String namespace, String name) {
        return client.resources(NetworkTopology.class).inNamespace(namespace).withName(name).get();
    }

    private NetworkTopology awaitCondition(String namespace, String name, String status, String reason) {
        return awaitCondition(namespace, name, status, reason, t -> true);
    }

    /** Waits until Ready has the given status and reason for the current generation, and the status passes the check. */
    private NetworkTopology awaitCondition(String namespace, String name, String status, String reason,
            java.util.function.Predicate<NetworkTopology> check) {
        await().until(() -> {
            NetworkTopology t = get(namespace, name);
            if (t == null || t.getStatus() == null || !t.getMetadata().getGeneration().equals(t.getStatus().getObservedGeneration())) {
                return false;
            }
            var ready = ConditionList.find(t.getStatus().getConditions(), "Ready");
            return ready != null && status.equals(ready.getStatus()) && reason.equals(ready.getReason()) && check.test(t);
        });
        return get(namespace, name);
    }

    private void editSpec(String namespace, String name, Consumer<NetworkTopology> change) {
        client.resources(NetworkTopology.class).inNamespace(namespace).withName(name).edit(t -> {
            change.accept(t);
            return t;
        });
    }

    private Service svc(String namespace, String name) {
        return client.services().inNamespace(namespace).withName(name).get();
    }

    /** The mock server allocates nothing; play the API server (IPs, node ports) and a load balancer controller. */
    private void actAsApiServerAndAllocateAddresses(String namespace) {
        new ApiServerStandIn(client, namespace).settle(true, 1);
    }

    @Test
    void theOperatorsClientReadsWhoWroteAnObjectButNotTheFieldsEachSetAndNeverSendsThem() {
        var json = client.getKubernetesSerialization();
        Service read = json.unmarshal(io.networktopology.config.ClientSerializationTest.SERVICE, Service.class);

        assertThat(read.getMetadata().getManagedFields()).extracting(f -> f.getManager()).contains("kubectl-label");
        assertThat(read.getMetadata().getManagedFields()).allSatisfy(f -> assertThat(f.getFieldsV1()).isNull());
        assertThat(json.asJson(read)).doesNotContain("managedFields");
    }

    @Test
    void createsOwnedLabelledServicesAndReportsThemInStatus() {
        ServiceSpec headless = service("db", ServiceType.Headless, port("pg", 5432, 5432));
        ServiceSpec nodePort = service("admin", ServiceType.NodePort, port("http", 8080, 8080));
        NetworkTopology created = apply(topology("create", "shop", clusterIp("web"), headless, nodePort,
                externalName("payments", "payments.example.com")));

        await().until(() -> client.services().inNamespace("create").list().getItems().size() == 4);
        actAsApiServerAndAllocateAddresses("create");
        NetworkTopology ready = awaitCondition("create", "shop", "True", "TopologyReady",
                t -> t.getStatus().getServices().get(0).getClusterIPs() != null
                        && t.getStatus().getServices().get(0).getReadyEndpoints() == 1
                        && t.getStatus().getServices().get(2).getNodePorts() != null);

        for (String name : List.of("web", "db", "admin", "payments")) {
            Service s = svc("create", name);
            assertThat(s.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "network-topology-operator")
                    .containsEntry("networktopology.io/topology", "shop");
            assertThat(s.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
                assertThat(ref.getUid()).isEqualTo(created.getMetadata().getUid());
                assertThat(ref.getKind()).isEqualTo("NetworkTopology");
                assertThat(ref.getController()).isTrue();
            });
        }
        assertThat(svc("create", "db").getSpec().getClusterIP()).isEqualTo("None");
        assertThat(svc("create", "payments").getSpec().getExternalName()).isEqualTo("payments.example.com");

        assertThat(ready.getStatus().getServicesReady()).isEqualTo("4/4");
        ServiceStatus web = ready.getStatus().getServices().get(0);
        String webIp = svc("create", "web").getSpec().getClusterIP();
        assertThat(web.getClusterIPs()).containsExactly(webIp);
        assertThat(web.getFqdn()).isEqualTo("web.create.svc.cluster.local");
        assertThat(web.getSrvNames()).containsExactly("_http._tcp.web.create.svc.cluster.local");
        assertThat(web.getPtrNames()).hasSize(1);
        assertThat(web.getReadyEndpoints()).isEqualTo(1);
        assertThat(web.getPath()).isEqualTo("web.create.svc.cluster.local:80 → ClusterIP " + webIp + ":80 → pods app=web :8080");
        ServiceStatus admin = ready.getStatus().getServices().get(2);
        Integer allocated = svc("create", "admin").getSpec().getPorts().get(0).getNodePort();
        assertThat(admin.getNodePorts()).singleElement().satisfies(p -> assertThat(p.getNodePort()).isEqualTo(allocated));
        assertThat(admin.getPath()).startsWith("nodeIP:" + allocated + " → ClusterIP ");
        assertThat(ready.getStatus().getServices().get(3).getExternalName()).isEqualTo("payments.example.com");
    }

    @Test
    void updatesServicesWhenTheSpecChangesAndDeletesRemovedOnes() {
        apply(topology("update", "shop", clusterIp("web"), clusterIp("api")));
        await().until(() -> svc("update", "api") != null && svc("update", "web") != null);
        actAsApiServerAndAllocateAddresses("update");
        awaitCondition("update", "shop", "True", "TopologyReady");
        String webIp = svc("update", "web").getSpec().getClusterIP();

        editSpec("update", "shop", t -> {
            t.getSpec().getServices().removeIf(s -> s.getName().equals("api"));
            t.getSpec().getServices().get(0).getPorts().get(0).setTargetPort(new IntOrString(9090));
            t.getSpec().getServices().get(0).setLabels(Map.of("tier", "frontend"));
        });

        await().until(() -> svc("update", "api") == null);
        await().until(() -> svc("update", "web").getSpec().getPorts().get(0).getTargetPort().getIntVal() == 9090);
        Service web = svc("update", "web");
        assertThat(web.getMetadata().getLabels()).containsEntry("tier", "frontend");
        assertThat(web.getSpec().getClusterIP()).as("the allocated IP survives the update").isEqualTo(webIp);
        NetworkTopology ready = awaitCondition("update", "shop", "True", "TopologyReady",
                t -> t.getStatus().getServices().size() == 1);
        assertThat(ready.getStatus().getServices()).extracting(ServiceStatus::getName).containsExactly("web");
    }

    @Test
    void putsBackAHandEditButKeepsOtherWritersFields() {
        apply(topology("revert", "shop", clusterIp("web")));
        await().until(() -> svc("revert", "web") != null);
        client.services().inNamespace("revert").withName("web").edit(s -> new ServiceBuilder(s)
                .editMetadata().addToAnnotations("example.com/note", "kept").endMetadata()
                .editSpec().editFirstPort().withPort(8081).endPort().withExternalIPs("192.0.2.10").endSpec()
                .build());

        await().until(() -> svc("revert", "web").getSpec().getPorts().get(0).getPort() == 80);
        Service web = svc("revert", "web");
        assertThat(web.getSpec().getExternalIPs()).as("a field the topology does not declare is left to its writer")
                .containsExactly("192.0.2.10");
        assertThat(web.getMetadata().getAnnotations()).containsEntry("example.com/note", "kept");
    }

    @Test
    void refusesToAdoptAForeignServiceAndReportsTheConflict() {
        installCrdOnce();
        Service foreign = client.resource(new ServiceBuilder()
                .withNewMetadata().withName("web").withNamespace("conflict").addToLabels("owner", "someone-else").endMetadata()
                .withNewSpec().withType("ClusterIP").withSelector(Map.of("app", "legacy"))
                .addNewPort().withPort(8000).endPort().endSpec().build()).create();
        apply(topology("conflict", "shop", clusterIp("web"), clusterIp("api")));

        NetworkTopology status = awaitCondition("conflict", "shop", "False", "ServiceConflict");
        assertThat(ConditionList.find(status.getStatus().getConditions(), "ServicesReady").getMessage())
                .contains("Service web already exists and was not created by this topology");
        assertThat(status.getStatus().getServices().get(0).getState()).isEqualTo(ServiceStatus.State.Conflict);
        assertThat(svc("conflict", "api")).as("the rest of the topology is applied").isNotNull();

        Service after = svc("conflict", "web");
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(foreign.getMetadata().getResourceVersion());
        assertThat(after.getMetadata().getOwnerReferences()).isNullOrEmpty();
        assertThat(after.getSpec().getPorts().get(0).getPort()).isEqualTo(8000);

        // Removing it from the spec must not delete the foreign Service either.
        editSpec("conflict", "shop", t -> t.getSpec().getServices().removeIf(s -> s.getName().equals("web")));
        awaitCondition("conflict", "shop", "True", "TopologyReady");
        assertThat(svc("conflict", "web")).isNotNull();
    }

    @Test
    void anotherTopologysServiceIsAConflictNamingThatTopology() {
        apply(topology("twotopos", "first", clusterIp("web")));
        await().until(() -> svc("twotopos", "web") != null);
        apply(topology("twotopos", "second", clusterIp("web")));
        NetworkTopology second = awaitCondition("twotopos", "second", "False", "ServiceConflict");
        assertThat(second.getStatus().getServices().get(0).getMessage())
                .isEqualTo("Service web already belongs to topology first in this namespace; it was left untouched");
        assertThat(svc("twotopos", "web").getMetadata().getLabels()).containsEntry("networktopology.io/topology", "first");
    }

    @Test
    void anInvalidSpecChangesNothingThatExists() {
        apply(topology("invalid", "shop", clusterIp("web"), clusterIp("api")));
        await().until(() -> svc("invalid", "web") != null && svc("invalid", "api") != null);
        actAsApiServerAndAllocateAddresses("invalid");
        awaitCondition("invalid", "shop", "True", "TopologyReady");
        String webVersion = svc("invalid", "web").getMetadata().getResourceVersion();

        // Drops api (would delete it) and breaks web: as a whole the spec is invalid, so neither may happen.
        editSpec("invalid", "shop", t -> {
            t.getSpec().getServices().removeIf(s -> s.getName().equals("api"));
            t.getSpec().getServices().get(0).getPorts().get(0).setPort(0);
        });
        NetworkTopology invalid = awaitCondition("invalid", "shop", "False", "InvalidSpec");
        assertThat(ConditionList.find(invalid.getStatus().getConditions(), "Ready").getMessage())
                .contains("spec.services[0].ports[0].port: must be between 1 and 65535, got 0");
        assertThat(svc("invalid", "api")).isNotNull();
        assertThat(svc("invalid", "web").getMetadata().getResourceVersion()).isEqualTo(webVersion);
        assertThat(invalid.getStatus().getServices()).extracting(ServiceStatus::getName).containsExactly("web", "api");
        assertThat(ConditionList.find(invalid.getStatus().getConditions(), "ServicesReady").getMessage())
                .startsWith("1 problem in spec.services; nothing was changed: spec.services[0].ports[0].port");
        // The column keeps what is known.
        assertThat(invalid.getStatus().getServicesReady()).isEqualTo("2/2");
    }

    /** A problem is reported by the part it is in: an ingress problem is not a ServicesReady problem. */
    @Test
    void anInvalidIngressIsNamedUnderIngressesNotServices() {
        apply(topology("ingresspart", "shop", clusterIp("web")));
        await().until(() -> svc("ingresspart", "web") != null);
        actAsApiServerAndAllocateAddresses("ingresspart");
        awaitCondition("ingresspart", "shop", "True", "TopologyReady");
        editSpec("ingresspart", "shop", t -> t.getSpec().setIngresses(
                withIngresses(topology("x", "shop"), ingress("shop", "shop.example.com", "/=nosuch:80")).getSpec().getIngresses()));
        NetworkTopology invalid = awaitCondition("ingresspart", "shop", "False", "InvalidSpec");
        io.fabric8.kubernetes.api.model.Condition ready = ConditionList.find(invalid.getStatus().getConditions(), "Ready");
        assertThat(ready.getMessage()).startsWith("IngressesReady: 1 problem in spec.ingresses; nothing was changed: spec.ingresses[0]");
        io.fabric8.kubernetes.api.model.Condition services = ConditionList.find(invalid.getStatus().getConditions(), "ServicesReady");
        assertThat(services.getStatus()).isEqualTo("True");
        assertThat(services.getReason()).isNotEqualTo("InvalidSpec");
        assertThat(invalid.getStatus().getServicesReady()).isEqualTo("1/1");
    }

    @Test
    void aReconcileThatFindsNothingToChangeWritesNothing() {
        apply(topology("noop", "shop", clusterIp("web"), service("admin", ServiceType.NodePort, port("http", 80, 8080))));
        await().until(() -> client.services().inNamespace("noop").list().getItems().size() == 2);
        actAsApiServerAndAllocateAddresses("noop");
        awaitCondition("noop", "shop", "True", "TopologyReady");
        await().during(Duration.ofMillis(500)).until(() -> writesIn("noop", drain()).isEmpty());

        long before = reconciler.reconciles();
        // A change that matters to nobody: another writer annotates a Service. It wakes the operator up.
        client.services().inNamespace("noop").withName("web")
                .edit(s -> new ServiceBuilder(s).editMetadata().addToAnnotations("example.com/seen", "yes").endMetadata().build());
        await().until(() -> reconciler.reconciles() > before);
        List<String> writes = writesIn("noop", drain());
        assertThat(writes).as("only the test's own edit; no Service update and no status write")
                .containsExactly("PATCH /api/v1/namespaces/noop/services/web");
    }

    private Ingress ingressIn(String namespace, String name) {
        return client.network().v1().ingresses().inNamespace(namespace).withName(name).get();
    }

    @Test
    void ingressLifecycleFromAwaitingAddressToReadyAndBack() {
        NetworkTopology created = apply(withIngresses(topology("ingress", "shop", clusterIp("web"), clusterIp("api")),
                ingress("shop", "shop.example.com", "/=web:http", "/api=api:80")));
        NetworkTopology waiting = awaitCondition("ingress", "shop", "False", "AwaitingAddress",
                t -> ConditionList.find(t.getStatus().getConditions(), "IngressesReady").getReason().equals("AwaitingAddress"));
        assertThat(waiting.getStatus().getIngresses().get(0).getState()).isEqualTo(IngressStatus.State.AwaitingAddress);
        Ingress ingress = ingressIn("ingress", "shop");
        assertThat(ingress.getMetadata().getLabels()).containsEntry("networktopology.io/topology", "shop");
        assertThat(ingress.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(created.getMetadata().getUid()));
        assertThat(ingress.getSpec().getRules().get(0).getHttp().getPaths()).extracting(p -> p.getBackend().getService().getName())
                .containsExactly("web", "api");

        actAsIngressControllerAndPublishAnAddress("ingress");
        NetworkTopology ready = awaitCondition("ingress", "shop", "True", "TopologyReady",
                t -> t.getStatus().getIngresses().get(0).getAddresses() != null);
        String address = ingressIn("ingress", "shop").getStatus().getLoadBalancer().getIngress().get(0).getIp();
        assertThat(ready.getStatus().getIngresses().get(0).getUrls()).containsExactly("http://shop.example.com/", "http://shop.example.com/api");
        assertThat(ready.getStatus().getEntryPoints()).extracting(EntryPoint::getPath).contains(
                "http://shop.example.com/api (and below) → ingress shop (default class, " + address + ") → service api:80 → pods app=api :8080");

        // A hand edit is put back, keeping the controller's status.
        client.network().v1().ingresses().inNamespace("ingress").withName("shop")
                .edit(i -> { i.getSpec().getRules().get(0).setHost("evil.example.com"); return i; });
        await().until(() -> "shop.example.com".equals(ingressIn("ingress", "shop").getSpec().getRules().get(0).getHost()));
        assertThat(ingressIn("ingress", "shop").getStatus().getLoadBalancer().getIngress()).isNotEmpty();

        // Removed from the spec: deleted.
        editSpec("ingress", "shop", t -> t.getSpec().getIngresses().clear());
        await().until(() -> ingressIn("ingress", "shop") == null);
        awaitCondition("ingress", "shop", "True", "TopologyReady", t -> t.getStatus().getIngresses().isEmpty());
    }

    @Test
    void aForeignIngressIsLeftAloneAndReported() {
        installCrdOnce();
        client.resource(new IngressBuilder().withNewMetadata().withName("shop").withNamespace("foreigningress").endMetadata()
                .withNewSpec().withIngressClassName("other").endSpec().build()).create();
        apply(withIngresses(topology("foreigningress", "shop", clusterIp("web")), ingress("shop", "shop.example.com", "/=web:80")));
        NetworkTopology status = awaitCondition("foreigningress", "shop", "False", "IngressConflict");
        assertThat(status.getStatus().getIngresses().get(0).getMessage())
                .isEqualTo("Ingress shop already exists and was not created by this topology; it was left untouched (delete it, or rename it in the spec)");
        assertThat(ingressIn("foreigningress", "shop").getSpec().getIngressClassName()).isEqualTo("other");
    }

    @Test
    void theNewerOfTwoTopologiesRoutingTheSameHostAndPathIsRefused() {
        apply(withIngresses(topology("routes", "first", clusterIp("web")), ingress("first", "shop.example.com", "/=web:80")));
        await().until(() -> ingressIn("routes", "first") != null);
        apply(withIngresses(topology("routes", "second", clusterIp("web2")),
                ingress("second", "shop.example.com", "/=web2:80"), ingress("fine", "other.example.com", "/=web2:80")));
        NetworkTopology second = awaitCondition("routes", "second", "False", "IngressConflict");
        assertThat(ConditionList.find(second.getStatus().getConditions(), "IngressesReady").getMessage())
                .isEqualTo("second: route shop.example.com/ is already routed by topology first (ingress first); this ingress was not written");
        await().until(() -> ingressIn("routes", "fine") != null);
        assertThat(ingressIn("routes", "second")).isNull();
    }

    @Test
    void anIngressToAnUndeclaredServiceIsInvalidAndCreatesNothing() {
        apply(withIngresses(topology("badingress", "shop", clusterIp("web")), ingress("shop", "shop.example.com", "/=nope:80")));
        NetworkTopology invalid = awaitCondition("badingress", "shop", "False", "InvalidSpec");
        assertThat(ConditionList.find(invalid.getStatus().getConditions(), "IngressesReady").getMessage())
                .contains("spec.ingresses[0].rules[0].paths[0].service: \"nope\" is not a service declared in this topology");
        assertThat(svc("badingress", "web")).isNull();
        assertThat(ingressIn("badingress", "shop")).isNull();
    }

    /** The mock runs no ingress controller: publish an address the way one would. */
    private void actAsIngressControllerAndPublishAnAddress(String namespace) {
        new ApiServerStandIn(client, namespace).publishIngressAddresses();
    }

    private int drained;

    /** The requests the API received since the last drain, "METHOD path". */
    private List<String> drain() {
        List<String> all = EmbeddedApi.api().recordedRequests();
        List<String> fresh = all.subList(Math.min(drained, all.size()), all.size());
        drained = all.size();
        return fresh;
    }

    private static List<String> writesIn(String namespace, List<String> requests) {
        return requests.stream()
                .filter(r -> !r.startsWith("GET ") && r.contains("/namespaces/" + namespace + "/"))
                .map(r -> r.replaceFirst("\\?.*", ""))
                .toList();
    }
}
