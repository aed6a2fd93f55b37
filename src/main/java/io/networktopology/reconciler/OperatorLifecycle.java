package io.networktopology.reconciler;

import io.javaoperatorsdk.operator.Operator;
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

    void onStart(@Observes StartupEvent event) {
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
