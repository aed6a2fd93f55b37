package io.networktopology.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;

/**
 * The production reconciler under plain JOSDK, without Quarkus (the benchmark and tests that need a fresh operator
 * instance): configured as the Quarkus operator runs it, without server-side apply.
 */
public final class PlainOperator {

    private PlainOperator() {
    }

    /** A registered, not yet started operator. JOSDK closes the client on stop. */
    public static Operator of(KubernetesClient client, NetworkTopologyReconciler reconciler) {
        return of(client, reconciler, null);
    }

    /** Watching only {@code namespaces} (null: all). */
    public static Operator of(KubernetesClient client, NetworkTopologyReconciler reconciler, java.util.Set<String> namespaces) {
        Operator operator = new Operator(o -> o.withKubernetesClient(client).withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false));
        if (namespaces == null) {
            operator.register(reconciler);
        } else {
            operator.register(reconciler, override -> override.settingNamespaces(namespaces));
        }
        return operator;
    }

    public static Operator start(KubernetesClient client, NetworkTopologyReconciler reconciler) {
        return start(client, reconciler, null);
    }

    public static Operator start(KubernetesClient client, NetworkTopologyReconciler reconciler, java.util.Set<String> namespaces) {
        Operator operator = of(client, reconciler, namespaces);
        operator.start();
        return operator;
    }
}
