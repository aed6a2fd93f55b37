package io.networktopology.dns;

/** The Corefile cannot be parsed (or its managed parts are damaged beyond repair); nothing will be written. */
public class CorefileSyntaxException extends Exception {

    private final int line;
    private final int column;

    public CorefileSyntaxException(String message, int line, int column) {
        super("line " + line + ", column " + column + ": " + message);
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
