package io.networktopology.controlplane;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Starts one {@link ControlPlane} per test class and tears it down after the class, also when tests fail. On a
 * failed test it prints the components' logs. Test methods and constructors can take the ControlPlane as a parameter.
 */
public class RealControlPlaneExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver, TestWatcher {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RealControlPlaneExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ControlPlane plane = ControlPlane.start(ControlPlane.binaries());
        context.getStore(NS).put("plane", plane);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ControlPlane plane = context.getStore(NS).remove("plane", ControlPlane.class);
        if (plane != null) {
            plane.close();
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        ControlPlane plane = context.getParent().map(p -> p.getStore(NS).get("plane", ControlPlane.class)).orElse(null);
        if (plane != null) {
            plane.dumpLogs();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ControlPlane.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NS).get("plane", ControlPlane.class) != null
                ? context.getRoot().getStore(NS).get("plane", ControlPlane.class)
                : findInParents(context);
    }

    private static ControlPlane findInParents(ExtensionContext context) {
        ExtensionContext c = context;
        while (c != null) {
            ControlPlane plane = c.getStore(NS).get("plane", ControlPlane.class);
            if (plane != null) {
                return plane;
            }
            c = c.getParent().orElse(null);
        }
        throw new IllegalStateException("no control plane started");
    }
}
