package io.networktopology.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed Corefile (Caddyfile syntax, as CoreDNS reads it): server blocks and snippets with their keys, the
 * directives inside them (nested blocks included), top-level imports, and every byte in between. The parse keeps
 * each token's source span and {@link #print()} rebuilds the text from tokens and the trivia between them, so an
 * untouched Corefile prints back byte for byte (comments, tabs, CRLF, quoted strings with braces, {$ENV}).
 */
public final class Corefile {

    /** One token with its place in the source. */
    public record Token(String text, int start, int end, int line, int column) {
    }

    /** A directive line inside a block: its name, arguments, and nested block if any. */
    public record Directive(String name, List<Token> tokens, Block block) {
    }

    /** A block: the directives between its braces, and where the braces are. */
    public record Block(Token open, Token close, List<Directive> directives) {
    }

    /** A top-level server block or snippet: its keys (addresses or "(name)") and its block. */
    public record ServerBlock(List<Token> keys, Block block) {

        public boolean isSnippet() {
            return keys.size() == 1 && keys.get(0).text().startsWith("(") && keys.get(0).text().endsWith(")");
        }

        /** The zones of the keys, lowercased and without port or scheme ("." for the root). */
        public List<String> zones() {
            List<String> zones = new ArrayList<>();
            for (Token key : keys) {
                zones.add(zoneOf(key.text()));
            }
            return zones;
        }

        /** The ":port" part of the first key, or "" when the key has none. */
        public String portSuffix() {
            String key = stripScheme(keys.get(0).text());
            int colon = key.lastIndexOf(':');
            return colon >= 0 && !key.contains("[") ? key.substring(colon) : "";
        }

        public Optional<Directive> directive(String name) {
            return block.directives().stream().filter(d -> d.name().equals(name)).findFirst();
        }
    }

    private final String source;
    private final List<Token> tokens;
    private final List<ServerBlock> serverBlocks;
    private final List<List<Token>> topLevelImports;

    private Corefile(String source, List<Token> tokens, List<ServerBlock> serverBlocks, List<List<Token>> topLevelImports) {
        this.source = source;
        this.tokens = tokens;
        this.serverBlocks = serverBlocks;
        this.topLevelImports = topLevelImports;
    }

    public static Corefile parse(String source) throws CorefileSyntaxException {
        List<Token> tokens = new Lexer(source).tokens();
        Parser parser = new Parser(source, tokens);
        parser.parse();
        return new Corefile(source, tokens, parser.serverBlocks, parser.imports);
    }

    public String source() {
        return source;
    }

    public List<ServerBlock> serverBlocks() {
        return serverBlocks;
    }

    public List<List<Token>> topLevelImports() {
        return topLevelImports;
    }

    /** The text rebuilt from the tokens and the trivia between them. */
    public String print() {
        StringBuilder out = new StringBuilder(source.length());
        int at = 0;
        for (Token token : tokens) {
            out.append(source, at, token.start());
            out.append(source, token.start(), token.end());
            at = token.end();
        }
        out.append(source, at, source.length());
        return out.toString();
    }

    /** "\r\n" when the file uses CRLF line endings, else "\n". */
    public String lineEnding() {
        return source.contains("\r\n") ? "\r\n" : "\n";
    }

    static String stripScheme(String key) {
        int scheme = key.indexOf("://");
        return scheme >= 0 ? key.substring(scheme + 3) : key;
    }

    static String zoneOf(String key) {
        String zone = stripScheme(key);
        if (zone.startsWith("[")) {
            return zone;
        }
        int colon = zone.lastIndexOf(':');
        if (colon >= 0) {
            zone = zone.substring(0, colon);
        }
        zone = zone.toLowerCase(Locale.ROOT);
        if (zone.isEmpty() || zone.equals(".")) {
            return ".";
        }
        return zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone;
    }

    /** Splits Caddyfile text into tokens; comments and whitespace are trivia between tokens. */
    private static final class Lexer {
        private final String s;
        private int i;
        private int line = 1;
        private int lineStart;

        Lexer(String s) {
            this.s = s;
        }

        List<Token> tokens() throws CorefileSyntaxException {
            List<Token> out = new ArrayList<>();
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\n') {
                    i++;
                    line++;
                    lineStart = i;
                } else if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '#') {
                    while (i < s.length() && s.charAt(i) != '\n') {
                        i++;
                    }
                } else {
                    out.add(token());
                }
            }
            return out;
        }

        private Token token() throws CorefileSyntaxException {
            int start = i;
            int tokenLine = line;
            int column = i - lineStart + 1;
            char c = s.charAt(i);
            if (c == '{' && !(i + 1 < s.length() && s.charAt(i + 1) == '$')) {
                i++;
                return new Token("{", start, i, tokenLine, column);
            }
            if (c == '}') {
                i++;
                return new Token("}", start, i, tokenLine, column);
            }
            StringBuilder text = new StringBuilder();
            while (i < s.length()) {
                c = s.charAt(i);
                if (c == '"') {
                    i++;
                    while (true) {
                        if (i >= s.length()) {
                            throw new CorefileSyntaxException("unterminated quoted string", tokenLine, column);
                        }
                        char q = s.charAt(i);
                        if (q == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                            text.append('"');
                            i += 2;
                        } else if (q == '"') {
                            i++;
                            break;
                        } else {
                            if (q == '\n') {
                                line++;
                                lineStart = i + 1;
                            }
                            text.append(q);
                            i++;
                        }
                    }
                } else if (c == '{' && i + 1 < s.length() && s.charAt(i + 1) == '$') {
                    // An environment placeholder such as {$DNS_PORT}: part of the token, not a block.
                    int close = s.indexOf('}', i);
                    if (close < 0 || s.substring(i, close).contains("\n")) {
                        throw new CorefileSyntaxException("unterminated {$ placeholder", tokenLine, i - lineStart + 1);
                    }
                    text.append(s, i, close + 1);
                    i = close + 1;
                } else if (Character.isWhitespace(c) || c == '{' || c == '}') {
                    break;
                } else {
                    text.append(c);
                    i++;
                }
            }
            return new Token(text.toString(), start, i, tokenLine, column);
        }
    }

    /** Builds server blocks and directives from tokens; directives end at the end of their line. */
    private static final class Parser {
        private final String source;
        private final List<Token> tokens;
        private int p;
        final List<ServerBlock> serverBlocks = new ArrayList<>();
        final List<List<Token>> imports = new ArrayList<>();

        Parser(String source, List<Token> tokens) {
            this.source = source;
            this.tokens = tokens;
        }

        void parse() throws CorefileSyntaxException {
            while (p < tokens.size()) {
                Token first = tokens.get(p);
                if (first.text().equals("}") || first.text().equals("{")) {
                    throw new CorefileSyntaxException("unexpected '" + first.text() + "' where a server block should start",
                            first.line(), first.column());
                }
                if (first.text().equals("import")) {
                    imports.add(restOfLine());
                    continue;
                }
                List<Token> keys = new ArrayList<>();
                while (p < tokens.size() && !tokens.get(p).text().equals("{")) {
                    Token key = tokens.get(p);
                    if (key.text().equals("}")) {
                        throw new CorefileSyntaxException("unexpected '}'", key.line(), key.column());
                    }
                    keys.add(key);
                    p++;
                }
                if (p >= tokens.size()) {
                    Token last = keys.get(keys.size() - 1);
                    throw new CorefileSyntaxException("server block \"" + keys.get(0).text() + "\" has no '{'", last.line(), last.column());
                }
                serverBlocks.add(new ServerBlock(keys, block()));
            }
        }

        private List<Token> restOfLine() {
            List<Token> line = new ArrayList<>();
            int lineNo = tokens.get(p).line();
            while (p < tokens.size() && tokens.get(p).line() == lineNo && !tokens.get(p).text().equals("}")
                    && !tokens.get(p).text().equals("{")) {
                line.add(tokens.get(p++));
            }
            return line;
        }

        private Block block() throws CorefileSyntaxException {
            Token open = tokens.get(p++);
            List<Directive> directives = new ArrayList<>();
            while (true) {
                if (p >= tokens.size()) {
                    throw new CorefileSyntaxException("block opened here is never closed", open.line(), open.column());
                }
                Token t = tokens.get(p);
                if (t.text().equals("}")) {
                    p++;
                    return new Block(open, t, directives);
                }
                if (t.text().equals("{")) {
                    throw new CorefileSyntaxException("unexpected '{' without a directive", t.line(), t.column());
                }
                List<Token> line = restOfLine();
                Block nested = null;
                if (p < tokens.size() && tokens.get(p).text().equals("{") && tokens.get(p).line() == line.get(line.size() - 1).line()) {
                    nested = block();
                }
                directives.add(new Directive(line.get(0).text(), line, nested));
            }
        }
    }
}
