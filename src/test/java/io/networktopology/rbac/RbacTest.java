package io.networktopology.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.embedded.ApiServerStandIn;
import io.networktopology.cli.TopologyFiles;
import io.networktopology.embedded.EmbeddedKubernetes;
import io.networktopology.reconciler.NetworkTopologyReconciler;
import io.networktopology.status.ConditionList;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's ClusterRole against the API calls it really makes: every call the operator makes in a scenario
 * that uses every feature (services, ingresses, inline and import DNS with a CoreDNS restart, deletion) must be
 * allowed by config/rbac/cluster/role.yaml, and every verb the role grants must have been used. Calls are recorded at the
 * embedded API server, by the operator's User-Agent.
 */
class RbacTest {

    static final String AGENT = "network-topology-operator/rbac-test";

    record Call(String group, String resource, String verb, String name) {
        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource + (name == null ? "" : " " + name);
        }
    }

    record Rule(Set<String> groups, Set<String> resources, Set<String> verbs, Set<String> names) {
        boolean allows(Call call) {
            return groups.contains(call.group()) && resources.contains(call.resource()) && verbs.contains(call.verb())
                    && (names.isEmpty() || (call.name() != null && names.contains(call.name())));
        }
    }

    @Test
    void everyCallIsAllowedAndEveryGrantedVerbIsUsed() throws Exception {
        List<Rule> rules = rules(Path.of("config/rbac/cluster/role.yaml"));
        List<Call> calls;
        try (EmbeddedKubernetes api = EmbeddedKubernetes.start(AGENT).serveGatewayApi(); KubernetesClient driver = api.client()) {
            calls = runEveryFeature(api, driver).stream().flatMap(RbacTest::calls).toList();
        }
        List<String> denied = calls.stream().filter(c -> rules.stream().noneMatch(r -> r.allows(c))).map(Call::toString).distinct().sorted().toList();
        assertThat(denied).as("calls the ClusterRole does not allow").isEmpty();

        Set<String> unused = new TreeSet<>();
        for (Rule rule : rules) {
            for (String group : rule.groups()) {
                for (String resource : rule.resources()) {
                    for (String verb : rule.verbs()) {
                        boolean used = calls.stream().anyMatch(c -> c.group().equals(group) && c.resource().equals(resource)
                                && c.verb().equals(verb) && (rule.names().isEmpty() || rule.names().contains(c.name())));
                        if (!used) {
                            unused.add(verb + " " + (group.isEmpty() ? "" : group + "/") + resource);
                        }
                    }
                }
            }
        }
        // The embedded API never answers 409 on status or on the finalizer patch, so the re-read that follows a conflict
        // (get networktopologies) happens only on a real API server: RealClusterTest runs the operator under these roles
        // through conflicting writes and finds no "forbidden" in its log.
        unused.remove("get networktopology.io/networktopologies");
        assertThat(unused).as("verbs the ClusterRole grants but the operator never used").isEmpty();
    }

    /**
     * The own-namespace overlay splits the same grants into a Role in its namespace, a Role in CoreDNS's namespace
     * (nothing written to CoreDNS is granted in any other namespace) and a ClusterRole that only reads Nodes.
     */
    @Test
    void theOwnNamespaceOverlayGrantsExactlyTheSame() throws Exception {
        Set<String> cluster = grants(rules(Path.of("config/rbac/cluster/role.yaml")));
        Set<String> split = grants(rules(Path.of("kustomize/overlays/own-namespace/role.yaml")));
        split.addAll(grants(rules(Path.of("kustomize/overlays/own-namespace/coredns_role.yaml"))));
        Set<String> clusterWide = grants(rules(Path.of("kustomize/overlays/own-namespace/cluster_role.yaml")));
        assertThat(clusterWide).as("cluster-wide in the own-namespace overlay").containsExactlyInAnyOrder("/nodes:list[]", "/nodes:watch[]", "/namespaces:get[]",
                "gateway.networking.k8s.io/gatewayclasses:get[]");
        split.addAll(clusterWide);
        assertThat(split).isEqualTo(cluster);
    }

    private static Set<String> grants(List<Rule> rules) {
        Set<String> grants = new TreeSet<>();
        for (Rule r : rules) {
            for (String g : r.groups()) {
                for (String res : r.resources()) {
                    for (String v : r.verbs()) {
                        grants.add(g + "/" + res + ":" + v + r.names());
                    }
                }
            }
        }
        return grants;
    }

    private static List<String> runEveryFeature(EmbeddedKubernetes api, KubernetesClient driver) throws Exception {
        EmbeddedKubernetes.installCrd(driver);
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(api.url()).withUserAgent(AGENT).withNamespace("default").build();
        KubernetesClient operatorClient = new KubernetesClientBuilder().withConfig(config).build();
        // Probes on, with a fake kubelet, so that the probe pods' calls are recorded too.
        NetworkTopologyReconciler reconciler = new NetworkTopologyReconciler("cluster.local",
                io.networktopology.dns.DnsSettings.defaults("cluster.local"),
                io.networktopology.probe.ProbeSettings.defaults("cluster.local").withRunDeadline(Duration.ofSeconds(10)),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        io.networktopology.probe.FakeKubelet kubelet = new io.networktopology.probe.FakeKubelet(driver);
        Operator operator = io.networktopology.reconciler.PlainOperator.start(operatorClient, reconciler);
        try {
            // Inline DNS, every service type, an ingress: the demo's topology, with the cluster's parts played.
            NetworkTopology shop = shop();
            driver.resource(new ConfigMapBuilder().withNewMetadata().withName("coredns").withNamespace("kube-system").endMetadata()
                    .addToData("Corefile", Files.readString(Path.of("src/test/resources/corefiles/good/kubeadm.Corefile"))).build()).create();
            driver.resource(shop).create();
            // A NetworkPolicy in the topology's namespace: held against its paths (pods and namespaces read).
            driver.resource(new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder().withNewMetadata().withName("default-deny")
                    .withNamespace("shop").endMetadata().withNewSpec().withNewPodSelector().endPodSelector().endSpec().build()).create();
            ApiServerStandIn cluster = new ApiServerStandIn(driver, "shop");
            cluster.registerNodes();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                cluster.pass(true, 1);
                kubelet.step("shop");
                NetworkTopology t = driver.resources(NetworkTopology.class).inNamespace("shop").withName("shop").get();
                return t.getStatus() != null && "True".equals(ConditionList.find(t.getStatus().getConditions(), "Ready").getStatus())
                        && t.getStatus().getConnectivity() != null;
            });
            // Change and remove children.
            driver.resources(NetworkTopology.class).inNamespace("shop").withName("shop").edit(t -> {
                t.getSpec().getServices().removeIf(s -> s.getName().equals("payments"));
                t.getSpec().getServices().get(0).getPorts().get(0).setTargetPort(new io.fabric8.kubernetes.api.model.IntOrString(9090));
                return t;
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> driver.services().inNamespace("shop").withName("payments").get() == null
                    && driver.services().inNamespace("shop").withName("web").get().getSpec().getPorts().get(0).getTargetPort().getIntVal() == 9090);

            // A hand edit of the Ingress is put back; then the Ingress is removed from the spec.
            driver.network().v1().ingresses().inNamespace("shop").withName("shop")
                    .edit(i -> { i.getSpec().getRules().get(0).setHost("evil.example.com"); return i; });
            await().atMost(Duration.ofSeconds(30)).until(() -> "shop.example.com".equals(
                    driver.network().v1().ingresses().inNamespace("shop").withName("shop").get().getSpec().getRules().get(0).getHost()));
            driver.resources(NetworkTopology.class).inNamespace("shop").withName("shop").edit(t -> {
                t.getSpec().getIngresses().clear();
                return t;
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> driver.network().v1().ingresses().inNamespace("shop").withName("shop").get() == null);

            // Gateway API routes of every kind on a Gateway of a class that claims not all of them: written, then removed.
            EmbeddedKubernetes.createGatewayClass(driver, "example", "HTTPRoute", "GRPCRoute");
            driver.genericKubernetesResources("gateway.networking.k8s.io/v1", "Gateway").inNamespace("gateways").resource(
                    io.fabric8.kubernetes.client.utils.Serialization.unmarshal("""
                            apiVersion: gateway.networking.k8s.io/v1
                            kind: Gateway
                            metadata: {name: edge, namespace: gateways}
                            spec:
                              gatewayClassName: example
                              listeners: [{name: http, protocol: HTTP, port: 80}, {name: tls, protocol: TLS, port: 443}]
                            """, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class)).create();
            driver.resources(NetworkTopology.class).inNamespace("shop").withName("shop").edit(t -> {
                t.getSpec().setHttpRoutes(List.of(io.networktopology.Topologies.httpRoute("web", "gateways/edge", "shop.example.com", "/=web:http")));
                t.getSpec().setTlsRoutes(List.of(io.networktopology.Topologies.streamRoute("tls", "gateways/edge", List.of("db.example.com"), "storefront:443")));
                t.getSpec().setTcpRoutes(List.of(io.networktopology.Topologies.streamRoute("tcp", "gateways/edge", null, "db:postgres")));
                t.getSpec().setUdpRoutes(List.of(io.networktopology.Topologies.streamRoute("udp", "gateways/edge", null, "storefront:dns")));
                io.networktopology.api.v1alpha1.GRPCRouteSpec grpc = new io.networktopology.api.v1alpha1.GRPCRouteSpec();
                grpc.setName("grpc");
                grpc.setParentRefs(List.of(io.networktopology.Topologies.parentRef("gateways/edge")));
                io.networktopology.api.v1alpha1.GRPCRouteSpec.Rule rule = new io.networktopology.api.v1alpha1.GRPCRouteSpec.Rule();
                rule.setBackendRefs(List.of(io.networktopology.Topologies.backendRef("web", "http")));
                grpc.setRules(List.of(rule));
                t.getSpec().setGrpcRoutes(List.of(grpc));
                return t;
            });
            Map<String, String> routes = Map.of("HTTPRoute", "web", "GRPCRoute", "grpc", "TLSRoute", "tls", "TCPRoute", "tcp", "UDPRoute", "udp");
            await().atMost(Duration.ofSeconds(30)).until(() -> routes.entrySet().stream().allMatch(r -> route(driver, r.getKey(), r.getValue()) != null));
            driver.resources(NetworkTopology.class).inNamespace("shop").withName("shop").edit(t -> {
                t.getSpec().setHttpRoutes(null);
                t.getSpec().setGrpcRoutes(null);
                t.getSpec().setTlsRoutes(null);
                t.getSpec().setTcpRoutes(null);
                t.getSpec().setUdpRoutes(null);
                return t;
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> routes.entrySet().stream().allMatch(r -> route(driver, r.getKey(), r.getValue()) == null));

            // Import strategy: a k3s-style Corefile; the operator writes coredns-custom and restarts CoreDNS.
            driver.resource(new DeploymentBuilder().withNewMetadata().withName("coredns").withNamespace("kube-system").endMetadata()
                    .withNewSpec().withNewTemplate().withNewMetadata().endMetadata().withNewSpec().addNewContainer().withName("coredns")
                    .withImage("coredns").endContainer().endSpec().endTemplate().endSpec().build()).create();
            driver.configMaps().inNamespace("kube-system").withName("coredns").edit(c -> {
                try {
                    c.getData().put("Corefile", Files.readString(Path.of("src/test/resources/corefiles/good/k3s.Corefile")));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return c;
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> driver.configMaps().inNamespace("kube-system").withName("coredns-custom").get() != null);
            await().atMost(Duration.ofSeconds(30)).until(() -> driver.apps().deployments().inNamespace("kube-system").withName("coredns").get()
                    .getSpec().getTemplate().getMetadata().getAnnotations() != null);

            // Deletion: the finalizer takes the DNS entries out.
            driver.resources(NetworkTopology.class).inNamespace("shop").withName("shop").delete();
            await().atMost(Duration.ofSeconds(30)).until(() -> driver.resources(NetworkTopology.class).inNamespace("shop").withName("shop").get() == null);
        } finally {
            operator.stop();
        }
        return api.recordedRequests();
    }

    static io.fabric8.kubernetes.api.model.GenericKubernetesResource route(KubernetesClient driver, String kind, String name) {
        String version = kind.equals("HTTPRoute") || kind.equals("GRPCRoute") ? "v1" : "v1alpha2";
        return driver.genericKubernetesResources("gateway.networking.k8s.io/" + version, kind).inNamespace("shop").withName(name).get();
    }

    /**
     * The authorizations a request needs: its verb, and for a server-side apply (a PATCH with a field manager) also
     * create, which the API server checks when the apply creates the object (found on the real nodes: the Ingress
     * was refused).
     */
    static java.util.stream.Stream<Call> calls(String request) {
        String path = request.substring(request.indexOf(' ') + 1).replaceFirst("\\?.*", "");
        if (path.matches("/apis(/[^/]+){0,2}|/api(/v1)?")) {
            return java.util.stream.Stream.empty(); // discovery: allowed to every authenticated user (system:discovery)
        }
        Call call = call(request);
        return call.verb().equals("patch") && request.contains("fieldManager=")
                ? java.util.stream.Stream.of(call, new Call(call.group(), call.resource(), "create", call.name()))
                : java.util.stream.Stream.of(call);
    }

    /** Maps "METHOD /api[s]/...?query" to the RBAC group, resource (with subresource), verb and name. */
    static Call call(String request) {
        String method = request.substring(0, request.indexOf(' '));
        String full = request.substring(request.indexOf(' ') + 1);
        String query = full.contains("?") ? URLDecoder.decode(full.substring(full.indexOf('?') + 1), StandardCharsets.UTF_8) : "";
        String path = full.contains("?") ? full.substring(0, full.indexOf('?')) : full;
        List<String> parts = new ArrayList<>(List.of(path.substring(1).split("/")));
        String group;
        if (parts.get(0).equals("api")) {
            group = "";
            parts = parts.subList(2, parts.size());
        } else {
            group = parts.get(1);
            parts = parts.subList(3, parts.size());
        }
        if (parts.size() >= 2 && parts.get(0).equals("namespaces") && parts.size() > 2) {
            parts = parts.subList(2, parts.size());
        }
        String resource = parts.get(0);
        String name = parts.size() > 1 ? parts.get(1) : null;
        if (parts.size() > 2) {
            resource = resource + "/" + parts.get(2);
        }
        String verb = switch (method) {
            case "GET" -> name != null ? "get" : query.contains("watch=true") ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name != null ? "delete" : "deletecollection";
            default -> method.toLowerCase();
        };
        return new Call(group, resource, verb, name);
    }

    /** The rules of the (Cluster)Role documents in a file. */
    static List<Rule> rules(Path file) throws Exception {
        List<Rule> rules = new ArrayList<>();
        try (var parser = new YAMLMapper().createParser(Files.readString(file))) {
            for (var it = new YAMLMapper().readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode doc = it.next();
                if (!doc.path("kind").asText().endsWith("Role")) {
                    continue;
                }
                for (JsonNode rule : doc.path("rules")) {
                    rules.add(new Rule(set(rule.path("apiGroups")), set(rule.path("resources")), set(rule.path("verbs")), set(rule.path("resourceNames"))));
                }
            }
        }
        return rules;
    }

    private static Set<String> set(JsonNode array) {
        Set<String> values = new TreeSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** The NetworkTopology of examples/shop.yaml (the file starts with its Namespace). */
    private static NetworkTopology shop() throws Exception {
        try (var reader = Files.newBufferedReader(Path.of("examples/shop.yaml"))) {
            return TopologyFiles.topology(TopologyFiles.read("examples/shop.yaml", reader).stream()
                    .filter(TopologyFiles.Document::isTopology).findFirst().orElseThrow().data());
        }
    }
}
