package io.networktopology.cluster;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One {@link RealCluster} per test class: up before the class, down after it (also when tests fail), and what the
 * cluster held printed for a failed test. {@code @BeforeAll} methods and tests can take the RealCluster as a parameter.
 */
public class RealClusterExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver, TestWatcher {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RealClusterExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        context.getStore(NS).put("cluster", RealCluster.up());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        RealCluster cluster = context.getStore(NS).remove("cluster", RealCluster.class);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        RealCluster cluster = find(context);
        if (cluster != null) {
            cluster.dumpState("realnet");
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RealCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return find(context);
    }

    private static RealCluster find(ExtensionContext context) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            RealCluster cluster = c.getStore(NS).get("cluster", RealCluster.class);
            if (cluster != null) {
                return cluster;
            }
        }
        return null;
    }
}
