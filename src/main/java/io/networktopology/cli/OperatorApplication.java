package io.networktopology.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

/**
 * The operator as a Quarkus application: it runs until the process is told to stop. Being a {@link QuarkusApplication}
 * is also what keeps the Quarkus Operator SDK from starting the operator by itself (it does so only in an application
 * without one): {@code OperatorLifecycle} starts it, once the CRD is installed, and says so in one line until then.
 */
public class OperatorApplication implements QuarkusApplication {

    @Override
    public int run(String... args) {
        Quarkus.waitForExit();
        return Cli.OK;
    }
}
