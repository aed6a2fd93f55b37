package io.networktopology.embedded;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-process Kubernetes API (the Fabric8 mock server in CRUD mode) on loopback, for the demo and the benchmark.
 * It stores and watches objects but allocates, defaults, validates and garbage-collects nothing; see
 * {@link ApiServerStandIn} for the parts the demo plays itself. Counts every request by verb and resource.
 */
public final class EmbeddedKubernetes implements AutoCloseable {

    public static final String CRD_RESOURCE = "/crds/networktopologies.networktopology.io-v1.yml";

    private final KubernetesMockServer server;
    private final Map<String, io.fabric8.kubernetes.api.model.Status> refusals = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> recorded = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    private EmbeddedKubernetes(String countedUserAgent) {
        KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher(List.of()) {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String agent = request.getHeader("User-Agent");
                if (countedUserAgent == null || (agent != null && agent.startsWith(countedUserAgent))) {
                    recorded.add(request.getMethod() + " " + request.getPath());
                }
                MockResponse discovery = gatewayApi ? gatewayApiDiscovery(request) : null;
                if (discovery != null) {
                    return discovery;
                }
                io.fabric8.kubernetes.api.model.Status refusal = refusals.get(request.getMethod() + " " + request.getPath().replaceFirst("\\?.*", ""));
                if (refusal != null) {
                    return new MockResponse().setResponseCode(refusal.getCode()).setBody(Serialization.asJson(refusal));
                }
                return super.dispatch(request);
            }

            /**
             * Server-side apply, which the mock does not know: creates the object when it is missing, else merges the
             * applied configuration in (objects field by field, lists replaced) and stores the result. Field
             * ownership is not tracked, so a field dropped from the configuration stays; the real API server removes it.
             */
            @Override
            public MockResponse handlePatch(RecordedRequest request) {
                String type = request.getHeader("Content-Type");
                if (type == null || !type.startsWith("application/apply-patch")) {
                    return super.handlePatch(request);
                }
                com.fasterxml.jackson.databind.JsonNode applied = Serialization.unmarshal(request.getUtf8Body(),
                        com.fasterxml.jackson.databind.JsonNode.class);
                String path = request.getPath();
                String query = path.contains("?") ? path.substring(path.indexOf('?')) : "";
                String resource = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
                Map.Entry<io.fabric8.mockwebserver.crud.AttributeSet, String> existing = findResource(getKey(resource));
                if (existing == null) {
                    return handleCreate(jsonRequest(request, HttpMethod.POST, resource.substring(0, resource.lastIndexOf('/')) + query,
                            applied));
                }
                com.fasterxml.jackson.databind.JsonNode merged = mergeApplied(Serialization.unmarshal(existing.getValue(),
                        com.fasterxml.jackson.databind.JsonNode.class), applied);
                return handleUpdate(jsonRequest(request, HttpMethod.PUT, path, merged));
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
    }

    private volatile boolean gatewayApi;

    /**
     * Serves the Gateway API's discovery as a cluster with its experimental channel installed does (HTTP and gRPC routes
     * in v1, TLS, TCP and UDP routes in v1alpha2); the mock stores the routes themselves like any other object.
     */
    /** A GatewayClass whose controller claims {@code features} in its status (served with {@link #serveGatewayApi}). */
    public static void createGatewayClass(KubernetesClient driver, String name, String... features) {
        var gatewayClass = new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder().withApiVersion("gateway.networking.k8s.io/v1")
                .withKind("GatewayClass").withNewMetadata().withName(name).endMetadata().build();
        gatewayClass.setAdditionalProperty("spec", Map.of("controllerName", "example.com/gateway"));
        gatewayClass.setAdditionalProperty("status", Map.of("supportedFeatures", java.util.Arrays.stream(features).map(f -> Map.of("name", f)).toList()));
        driver.genericKubernetesResources("gateway.networking.k8s.io/v1", "GatewayClass").resource(gatewayClass).create();
    }

    public EmbeddedKubernetes serveGatewayApi() {
        gatewayApi = true;
        return this;
    }

    private static MockResponse gatewayApiDiscovery(RecordedRequest request) {
        if (!"GET".equals(request.getMethod())) {
            return null;
        }
        String path = request.getPath().replaceFirst("\\?.*", "");
        String group = "gateway.networking.k8s.io";
        var versions = List.of(new io.fabric8.kubernetes.api.model.GroupVersionForDiscovery(group + "/v1", "v1"),
                new io.fabric8.kubernetes.api.model.GroupVersionForDiscovery(group + "/v1alpha2", "v1alpha2"));
        var apiGroup = new io.fabric8.kubernetes.api.model.APIGroupBuilder().withName(group).withVersions(versions)
                .withPreferredVersion(versions.get(0)).build();
        Object body = switch (path) {
            case "/apis" -> new io.fabric8.kubernetes.api.model.APIGroupListBuilder().withGroups(apiGroup).build();
            case "/apis/gateway.networking.k8s.io" -> apiGroup;
            case "/apis/gateway.networking.k8s.io/v1" -> resources(group + "/v1", "HTTPRoute", "GRPCRoute", "Gateway", "GatewayClass");
            case "/apis/gateway.networking.k8s.io/v1alpha2" -> resources(group + "/v1alpha2", "TLSRoute", "TCPRoute", "UDPRoute");
            default -> null;
        };
        return body == null ? null : new MockResponse().setResponseCode(200).setBody(Serialization.asJson(body));
    }

    private static io.fabric8.kubernetes.api.model.APIResourceList resources(String groupVersion, String... kinds) {
        var list = new io.fabric8.kubernetes.api.model.APIResourceListBuilder().withGroupVersion(groupVersion);
        for (String kind : kinds) {
            list.addNewResource().withName(kind.toLowerCase() + (kind.endsWith("s") ? "es" : "s")).withKind(kind)
                    .withNamespaced(!kind.equals("GatewayClass")).withSingularName(kind.toLowerCase())
                    .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").endResource();
        }
        return list.build();
    }

    private static RecordedRequest jsonRequest(RecordedRequest original, HttpMethod method, String path,
            com.fasterxml.jackson.databind.JsonNode body) {
        return new RecordedRequest(original.getHttpVersion(), method, path,
                original.getHeaders().newBuilder().set("Content-Type", "application/json").build(),
                new Buffer(Serialization.asJson(body).getBytes(StandardCharsets.UTF_8)));
    }

    /** Objects merged field by field, anything else (lists too) replaced. */
    private static com.fasterxml.jackson.databind.JsonNode mergeApplied(com.fasterxml.jackson.databind.JsonNode target,
            com.fasterxml.jackson.databind.JsonNode patch) {
        if (!target.isObject() || !patch.isObject()) {
            return patch;
        }
        com.fasterxml.jackson.databind.node.ObjectNode result = (com.fasterxml.jackson.databind.node.ObjectNode) target.deepCopy();
        patch.fields().forEachRemaining(field -> result.set(field.getKey(),
                result.has(field.getKey()) ? mergeApplied(result.get(field.getKey()), field.getValue()) : field.getValue()));
        return result;
    }

    public static EmbeddedKubernetes start() {
        return new EmbeddedKubernetes(null);
    }

    /** Counts only the requests of clients whose User-Agent starts with the given text. */
    public static EmbeddedKubernetes start(String countedUserAgent) {
        return new EmbeddedKubernetes(countedUserAgent);
    }

    public String url() {
        return "http://" + server.getHostName() + ":" + server.getPort();
    }

    public KubernetesClient client() {
        return server.createClient();
    }

    /** Installs the committed CRD, so the mock treats status as a subresource like a real API server. */
    public static void installCrd(KubernetesClient client) {
        try (InputStream crd = EmbeddedKubernetes.class.getResourceAsStream(CRD_RESOURCE)) {
            if (crd == null) {
                throw new IllegalStateException("CRD not on the classpath: " + CRD_RESOURCE);
            }
            client.resource(Serialization.unmarshal(crd, CustomResourceDefinition.class)).create();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Requests so far, keyed "VERB resource" (e.g. "POST services", "PATCH networktopologies/status"). */
    public Map<String, Long> requestCounts() {
        Map<String, Long> counts = new TreeMap<>();
        for (String request : recordedRequests()) {
            int space = request.indexOf(' ');
            counts.merge(requestKey(request.substring(0, space), request.substring(space + 1)), 1L, Long::sum);
        }
        return counts;
    }

    /** From now on, answers every such request (e.g. "POST", "/api/v1/namespaces/ns/pods") with this refusal. */
    public void refuse(String method, String path, io.fabric8.kubernetes.api.model.Status status) {
        refusals.put(method + " " + path, status);
    }

    public void resetRequestCounts() {
        recorded.clear();
    }

    /** Every counted request so far, "METHOD path?query", in order. */
    public List<String> recordedRequests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    public static String requestKey(String method, String path) {
        String p = path;
        int query = p.indexOf('?');
        boolean watch = query >= 0 && p.substring(query).contains("watch=true");
        if (query >= 0) {
            p = p.substring(0, query);
        }
        String[] parts = p.split("/");
        // /api/v1/namespaces/ns/services/name[/status] or /apis/group/version/namespaces/ns/plural/name[/status]
        int start = p.startsWith("/apis/") ? 4 : 3;
        String resource = "";
        String sub = "";
        if (parts.length > start) {
            if ("namespaces".equals(parts[start]) && parts.length > start + 2) {
                resource = parts[start + 2];
                if (parts.length > start + 4) {
                    sub = "/" + parts[start + 4];
                }
            } else {
                resource = parts[start];
                if (parts.length > start + 2) {
                    sub = "/" + parts[start + 2];
                }
            }
        }
        String verb = watch ? "WATCH" : method;
        return verb + " " + resource + sub;
    }

    public static boolean isWrite(String key) {
        return key.startsWith("POST") || key.startsWith("PUT") || key.startsWith("PATCH") || key.startsWith("DELETE");
    }

    @Override
    public void close() {
        server.destroy();
    }
}
