package io.networktopology.reconciler;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.cli.Yaml;
import io.quarkus.arc.Arc;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/** On a failed test, prints what the embedded API held: every topology (with status) and every Service. */
public class ClusterState implements TestWatcher {

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        try {
            KubernetesClient client = Arc.container().instance(KubernetesClient.class).get();
            StringBuilder dump = new StringBuilder("---- cluster state after failed test " + context.getDisplayName() + "\n");
            for (NetworkTopology t : client.resources(NetworkTopology.class).inAnyNamespace().list().getItems()) {
                dump.append("# NetworkTopology ").append(t.getMetadata().getNamespace()).append('/').append(t.getMetadata().getName())
                        .append('\n').append(Yaml.print(t));
            }
            for (Service s : client.services().inAnyNamespace().list().getItems()) {
                dump.append("# Service ").append(s.getMetadata().getNamespace()).append('/').append(s.getMetadata().getName())
                        .append('\n').append(Yaml.print(s));
            }
            System.out.println(dump);
        } catch (RuntimeException e) {
            System.out.println("could not dump the cluster state: " + e);
        }
    }
}
