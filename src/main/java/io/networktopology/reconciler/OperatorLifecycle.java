package io.networktopology.reconciler;

import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts and stops the operator with the application. The Quarkus Operator SDK leaves that to the application
 * when it has its own {@code @QuarkusMain} (ours dispatches between operator, render and demo).
 */
@ApplicationScoped
public class OperatorLifecycle {

    private static final Logger LOG = Logger.getLogger(OperatorLifecycle.class);

    @Inject
    Operator operator;

    @ConfigProperty(name = "networktopology.start-operator", defaultValue = "true")
    boolean start;

    @Inject
    NetworkTopologyReconciler reconciler;

    @Inject
    MeterRegistry registry;

    void onStart(@Observes StartupEvent event) {
        // The project's own metrics, next to JOSDK's: what the reconciler did and wrote.
        // Plain counters the reconciler increments: a registry that outlives a restart (as in tests) keeps counting.
        reconciler.countInto(
                Counter.builder("networktopology.reconciles").description("Completed reconciles of NetworkTopologies").register(registry),
                Counter.builder("networktopology.child.writes").description("Writes to Services, Ingresses and CoreDNS ConfigMaps").register(registry),
                Counter.builder("networktopology.status.writes").description("Status writes (made only when status changed)").register(registry));
        reconciler.probeMetricsInto(new ProbeMetrics(registry));
        if (start) {
            LOG.infof("starting the operator with %d controller(s)", operator.getRegisteredControllersNumber());
            operator.start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (start) {
            operator.stop();
        }
    }
}
