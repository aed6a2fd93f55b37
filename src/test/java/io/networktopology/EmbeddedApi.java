package io.networktopology;

import io.networktopology.embedded.EmbeddedKubernetes;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * The demo's embedded API (the Fabric8 mock in CRUD mode, with server-side apply) for Quarkus tests: the operator under
 * test talks to it through the Quarkus Kubernetes client.
 */
public class EmbeddedApi implements QuarkusTestResourceLifecycleManager {

    private static volatile EmbeddedKubernetes api;
    private EmbeddedKubernetes mine;

    @Override
    public Map<String, String> start() {
        mine = EmbeddedKubernetes.start();
        api = mine;
        return Map.of("quarkus.kubernetes-client.api-server-url", api.url(),
                "quarkus.kubernetes-client.trust-certs", "true",
                "quarkus.kubernetes-client.namespace", "default");
    }

    @Override
    public void stop() {
        if (mine != null) {
            mine.close();
        }
    }

    /** The running API of the current test class. */
    public static EmbeddedKubernetes api() {
        return api;
    }
}
