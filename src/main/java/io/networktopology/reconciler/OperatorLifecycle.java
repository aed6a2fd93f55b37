package io.networktopology.reconciler;

import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import io.networktopology.config.OperatorConfig;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * Starts and stops the operator with the application. The Quarkus Operator SDK leaves that to an application that
 * has its own {@code QuarkusApplication} (ours: {@code cli.OperatorApplication}, run by the operator command).
 */
@ApplicationScoped
public class OperatorLifecycle {

    private static final Logger LOG = Logger.getLogger(OperatorLifecycle.class);

    @Inject
    Operator operator;

    @Inject
    OperatorConfig config;

    @Inject
    KubernetesClient client;

    static final String CRD_NAME = "networktopologies.networktopology.io";
    static final Duration CRD_POLL = Duration.ofSeconds(5);
    private volatile boolean stopping;
    private boolean started;

    void onStart(@Observes StartupEvent event) {
        LogEncoding.utf8();
        if (!config.startOperator()) {
            return;
        }
        LOG.info(startupLine());
        if (crdInstalled()) {
            startOperator();
            return;
        }
        // One line, not JOSDK's failing informers retried with traces; the operator starts as soon as the CRD is there.
        LOG.errorf("the NetworkTopology CRD (%s) is not installed in the cluster at %s: install it with 'kubectl apply -k crds/';"
                + " the operator starts once it is there", CRD_NAME, client.getMasterUrl());
        Thread waiting = new Thread(() -> {
            while (!stopping) {
                try {
                    Thread.sleep(CRD_POLL.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                if (!stopping && crdInstalled()) {
                    LOG.info("the NetworkTopology CRD is installed now: starting");
                    startOperator();
                    return;
                }
            }
        }, "wait-for-crd");
        waiting.setDaemon(true);
        waiting.start();
    }

    private synchronized void startOperator() {
        if (!stopping && !started) {
            operator.start();
            started = true;
        }
    }

    /** Which API server, which namespaces, which leader-election lease: what an operator of the operator asks first. */
    String startupLine() {
        Set<String> watched = watchedNamespaces();
        String namespaces = InformerConfiguration.allNamespacesWatched(watched) ? "all namespaces" : "namespaces " + String.join(", ", watched);
        String lease = operator.getConfigurationService().getLeaderElectionConfiguration()
                .map(l -> "leader election on lease " + l.getLeaseNamespace().orElse("(its own namespace)") + "/" + l.getLeaseName())
                .orElse("no leader election (one replica)");
        return "network-topology-operator starting: API server " + client.getMasterUrl() + ", watching " + namespaces + ", " + lease;
    }

    /** The namespaces the controllers watch (JOSDK's "all namespaces" marker when they watch all). */
    private Set<String> watchedNamespaces() {
        Set<String> watched = new TreeSet<>();
        for (var controller : operator.getRegisteredControllers()) {
            for (Object namespace : controller.getConfiguration().getInformerConfig().getNamespaces()) {
                watched.add(String.valueOf(namespace));
            }
        }
        return watched;
    }

    /**
     * Whether the API server serves NetworkTopologies: asked through discovery (which every authenticated client may
     * read), then, if discovery does not list them, by listing one (an embedded API may serve resources it does not
     * list). Only a definite "not found" says no; any other trouble is left to the operator's own start.
     */
    boolean crdInstalled() {
        try {
            APIResourceList resources = client.getApiResources(NetworkTopology.API_VERSION);
            if (resources != null && resources.getResources().stream().anyMatch(r -> "networktopologies".equals(r.getName()))) {
                return true;
            }
        } catch (KubernetesClientException e) {
            // asked again below
        }
        try {
            Set<String> watched = watchedNamespaces();
            ListOptions one = new ListOptionsBuilder().withLimit(1L).build();
            if (InformerConfiguration.allNamespacesWatched(watched) || watched.isEmpty()) {
                client.resources(NetworkTopology.class).inAnyNamespace().list(one);
            } else {
                client.resources(NetworkTopology.class).inNamespace(watched.iterator().next()).list(one);
            }
            return true;
        } catch (KubernetesClientException e) {
            return e.getCode() != 404;
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        synchronized (this) {
            if (started) {
                operator.stop();
            }
        }
    }
}
