package io.networktopology.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What a command line printed and its exit status: for the tests of the operator's and the demo's command lines. */
public record CommandResult(int code, String out, String err) {

    /** A command line's entry point that prints to the streams it is given. */
    public interface Entry {
        int execute(PrintStream out, PrintStream err, String... args);
    }

    public static CommandResult run(Entry entry, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = entry.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new CommandResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
