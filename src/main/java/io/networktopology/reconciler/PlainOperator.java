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
        Operator operator = new Operator(o -> o.withKubernetesClient(client).withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false));
        operator.register(reconciler);
        return operator;
    }

    public static Operator start(KubernetesClient client, NetworkTopologyReconciler reconciler) {
        Operator operator = of(client, reconciler);
        operator.start();
        return operator;
    }
}
