package io.networktopology.reconciler;

import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.handlers.OutputStreamHandler;

import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.LogManager;

/**
 * Log lines go out as UTF-8 whatever the locale. The console handler encodes with the JVM's default charset, which
 * without LANG (a minimal container, {@code env -i}) is ASCII on Java 17: {@code café→} would be logged as
 * {@code caf??}. Names from the cluster (API server URLs, messages the API server returns) can carry any character.
 */
public final class LogEncoding {

    private LogEncoding() {
    }

    /** Switches every stream handler of the root logger (and the handlers it delegates to) to UTF-8. */
    public static void utf8() {
        java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
        if (root != null) {
            for (Handler handler : root.getHandlers()) {
                utf8(handler);
            }
        }
    }

    private static void utf8(Handler handler) {
        if (handler instanceof ExtHandler ext) {
            if (handler instanceof OutputStreamHandler && !StandardCharsets.UTF_8.equals(ext.getCharset())) {
                ext.setCharset(StandardCharsets.UTF_8);
            }
            for (Handler child : ext.getHandlers()) {
                utf8(child);
            }
        }
    }
}
