package io.networktopology.cli;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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
    private final List<String> recorded = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    private EmbeddedKubernetes(String countedUserAgent) {
        KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher(List.of()) {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String agent = request.getHeader("User-Agent");
                if (countedUserAgent == null || (agent != null && agent.startsWith(countedUserAgent))) {
                    recorded.add(request.getMethod() + " " + request.getPath());
                }
                return super.dispatch(request);
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
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

    /** Points the Quarkus Kubernetes client (and so the operator) at this API. Call before Quarkus starts. */
    public void configureQuarkusClient() {
        System.setProperty("quarkus.kubernetes-client.api-server-url", url());
        System.setProperty("quarkus.kubernetes-client.trust-certs", "true");
        System.setProperty("quarkus.kubernetes-client.namespace", "default");
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

    public void resetRequestCounts() {
        recorded.clear();
    }

    /** Every counted request so far, "METHOD path?query", in order. */
    public List<String> recordedRequests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    static String requestKey(String method, String path) {
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
