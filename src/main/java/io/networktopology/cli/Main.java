package io.networktopology.cli;

import io.quarkus.runtime.annotations.QuarkusMain;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One binary, several jobs (see {@link Cli}): with no arguments it is the operator (kubeconfig or in-cluster config);
 * {@code render} previews offline; {@code probe} and {@code echo} are what the probe pods run.
 */
@QuarkusMain
public class Main {

    public static void main(String... args) {
        utf8Console();
        int code;
        try {
            code = Cli.execute(System.out, System.err, args);
        } catch (OutOfMemoryError e) {
            System.err.println("out of memory (" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB heap): give Java more with -Xmx");
            code = Cli.FAILED;
        } catch (StackOverflowError e) {
            System.err.println("the input is nested too deeply for the stack (" + e + "): give Java more with -Xss");
            code = Cli.FAILED;
        }
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /**
     * Text goes out as UTF-8 whatever the locale: without one (LANG unset, a minimal container) Java 17 would print
     * {@code café → 🚀} as {@code caf? ? ?}. The log handler writes through System.out too.
     */
    static void utf8Console() {
        System.setOut(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
    }
}
