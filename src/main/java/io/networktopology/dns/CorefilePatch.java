package io.networktopology.dns;

import io.networktopology.model.DnsNames;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Puts the operator's DNS entries into a Corefile, and takes them out again, touching nothing else.
 *
 * <p>The operator's parts are whole lines between marker comments: alias rewrites inside the server block that
 * serves the alias names, and the operator's own server blocks (static hosts, stub domains) at the end of the file.
 * A patch first removes any managed parts, then inserts the new ones, so patching is idempotent and removing the
 * parts gives back the original bytes. Static hosts get their own server block because the {@code hosts} plugin may
 * appear only once per server block and clusters such as minikube and k3s already use it in the main one.
 *
 * <p>Syntax emitted (CoreDNS plugin docs, coredns v1.14.7): {@code rewrite stop name exact FROM TO} — with an exact
 * name rule the answer name is rewritten back automatically, so clients see the question name (plugin/rewrite
 * README, "Response Rewrites"); {@code hosts { ADDRESS NAME ... }} answers A/AAAA and the matching PTR when the
 * reverse name is among the block's zones (plugin/hosts README); {@code forward . UPSTREAM...} (plugin/forward).
 */
public final class CorefilePatch {

    public static final String ALIASES = "aliases";
    public static final String SERVER_BLOCKS = "server blocks";
    /** Every install's markers start so (whatever its owner): a Corefile without it was never patched. */
    public static final String ANY_BEGIN = "# >>> network-topology-operator";
    static final String BEGIN = "# >>> network-topology-operator: ";
    static final String BEGIN_TAIL = " (managed by the operator; edits here are replaced) >>>";
    static final String END = "# <<< network-topology-operator: ";
    static final String END_TAIL = " <<<";

    /**
     * The start of one install's markers: {@code # >>> network-topology-operator: } for the cluster-wide install (no
     * owner), {@code # >>> network-topology-operator shop-ops: } for the install owned by shop-ops. Each install
     * removes and rewrites only its own parts, so two installs never erase each other's entries.
     */
    static String begin(String owner) {
        return owner == null ? BEGIN : "# >>> network-topology-operator " + owner + ": ";
    }

    static String end(String owner) {
        return owner == null ? END : "# <<< network-topology-operator " + owner + ": ";
    }

    private CorefilePatch() {
    }

    /** The block that runs the kubernetes plugin: aliases to Services must be resolved there. */
    public static Optional<Corefile.ServerBlock> clusterBlock(Corefile corefile) {
        return corefile.serverBlocks().stream().filter(b -> !b.isSnippet())
                .filter(b -> b.directive("kubernetes").isPresent())
                .findFirst();
    }

    /** The server block CoreDNS would pick for a name: the longest matching zone (among blocks on the cluster port). */
    public static Optional<Corefile.ServerBlock> servingBlock(Corefile corefile, String name, String portSuffix) {
        Corefile.ServerBlock best = null;
        int bestLength = -1;
        String n = name.toLowerCase(java.util.Locale.ROOT);
        for (Corefile.ServerBlock block : corefile.serverBlocks()) {
            if (block.isSnippet() || !block.portSuffix().equals(portSuffix)) {
                continue;
            }
            for (String zone : block.zones()) {
                int length = zone.equals(".") ? 0 : zone.length();
                boolean matches = zone.equals(".") || n.equals(zone) || n.endsWith("." + zone);
                if (matches && length > bestLength) {
                    best = block;
                    bestLength = length;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The Corefile with every managed part removed: the bytes as they were before the operator touched them. */
    public static String strip(String text) throws CorefileSyntaxException {
        return strip(text, null);
    }

    /** The Corefile without the managed parts of one install ({@code owner}; null: the cluster-wide one). */
    public static String strip(String text, String owner) throws CorefileSyntaxException {
        String result = text;
        for (String section : List.of(ALIASES, SERVER_BLOCKS)) {
            result = stripSection(result, section, owner);
        }
        return result;
    }

    private static String stripSection(String text, String section, String owner) throws CorefileSyntaxException {
        String begin = begin(owner) + section + BEGIN_TAIL;
        String end = end(owner) + section + END_TAIL;
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 && e < 0) {
            return text;
        }
        if (b < 0 || e < 0 || e < b) {
            int at = b >= 0 ? b : e;
            throw new CorefileSyntaxException("the operator's managed " + section + " are damaged (a begin or end marker is missing); "
                    + "remove the remaining marker line by hand", lineOf(text, at), 1);
        }
        if (text.indexOf(begin, b + 1) >= 0) {
            throw new CorefileSyntaxException("the operator's managed " + section + " appear twice", lineOf(text, text.indexOf(begin, b + 1)), 1);
        }
        int lineStart = text.lastIndexOf('\n', b) + 1;
        int endOfEnd = e + end.length();
        if (endOfEnd < text.length() && text.charAt(endOfEnd) == '\r') {
            endOfEnd++;
        }
        if (endOfEnd < text.length() && text.charAt(endOfEnd) == '\n') {
            return text.substring(0, lineStart) + text.substring(endOfEnd + 1);
        }
        // The part ends the file without a final line break: the line break before it was added with it.
        int cut = lineStart;
        if (cut > 0 && text.charAt(cut - 1) == '\n') {
            cut--;
            if (cut > 0 && text.charAt(cut - 1) == '\r') {
                cut--;
            }
        }
        return text.substring(0, cut) + text.substring(endOfEnd);
    }

    /**
     * The Corefile with the given entries as its managed parts (an empty set removes them). The result is parsed
     * before it is returned; a Corefile that cannot be parsed, or that has no block running the kubernetes plugin
     * when there are aliases, is refused.
     */
    public static String apply(String text, DnsEntries entries) throws CorefileSyntaxException {
        return apply(text, entries, null);
    }

    /** As {@link #apply(String, DnsEntries)}, as the parts of one install ({@code owner}; null: the cluster-wide one). */
    public static String apply(String text, DnsEntries entries, String owner) throws CorefileSyntaxException {
        String base = strip(text, owner);
        Corefile corefile = Corefile.parse(base);
        if (entries.isEmpty()) {
            return base;
        }
        String eol = corefile.lineEnding();
        String result = base;
        Optional<Corefile.ServerBlock> cluster = clusterBlock(corefile);
        String port = cluster.map(Corefile.ServerBlock::portSuffix).orElse("");
        if (!entries.aliases().isEmpty()) {
            Corefile.ServerBlock block = cluster.orElseThrow(() -> new CorefileSyntaxException(
                    "no server block runs the kubernetes plugin, so aliases to Services cannot be answered", 1, 1));
            result = insertAliases(base, block, entries.aliases(), eol, owner);
        }
        if (!entries.hosts().isEmpty() || !entries.stubDomains().isEmpty()) {
            result = appendServerBlocks(result, serverBlocks(entries, port, eol, indentOf(base, cluster)), eol, owner);
        }
        Corefile.parse(result);
        return result;
    }

    /** Alias lines, as they go inside the serving block (also the content of an import-strategy .override file). */
    public static List<String> aliasLines(List<DnsEntries.Alias> aliases) {
        List<String> lines = new ArrayList<>();
        for (DnsEntries.Alias alias : aliases) {
            lines.add("rewrite stop name exact " + alias.name() + ". " + alias.target() + ".");
        }
        return lines;
    }

    private static String insertAliases(String text, Corefile.ServerBlock block, List<DnsEntries.Alias> aliases, String eol,
            String owner) throws CorefileSyntaxException {
        Corefile.Token open = block.block().open();
        int lineEnd = text.indexOf('\n', open.end());
        String between = lineEnd < 0 ? text.substring(open.end()) : text.substring(open.end(), lineEnd);
        String rest = between.strip();
        if (lineEnd < 0 || !(rest.isEmpty() || rest.startsWith("#"))) {
            throw new CorefileSyntaxException("the block of " + block.keys().get(0).text()
                    + " does not end its first line at '{'; the operator only edits blocks laid out one directive per line",
                    open.line(), open.column());
        }
        String indent = indentOf(text, java.util.Optional.of(block));
        StringBuilder part = new StringBuilder();
        part.append(indent).append(begin(owner)).append(ALIASES).append(BEGIN_TAIL).append(eol);
        for (String line : aliasLines(aliases)) {
            part.append(indent).append(line).append(eol);
        }
        part.append(indent).append(end(owner)).append(ALIASES).append(END_TAIL).append(eol);
        return text.substring(0, lineEnd + 1) + part + text.substring(lineEnd + 1);
    }

    private static String appendServerBlocks(String text, List<String> lines, String eol, String owner) {
        StringBuilder part = new StringBuilder();
        boolean endsWithNewline = text.endsWith("\n");
        if (!endsWithNewline && !text.isEmpty()) {
            part.append(eol);
        }
        part.append(begin(owner)).append(SERVER_BLOCKS).append(BEGIN_TAIL).append(eol);
        for (String line : lines) {
            part.append(line).append(eol);
        }
        part.append(end(owner)).append(SERVER_BLOCKS).append(END_TAIL);
        if (endsWithNewline || text.isEmpty()) {
            part.append(eol);
        }
        return text + part;
    }

    /** The operator's own server blocks (also the content of an import-strategy .server file). */
    public static List<String> serverBlocks(DnsEntries entries, String port, String eol, String indent) {
        List<String> lines = new ArrayList<>();
        if (!entries.hosts().isEmpty()) {
            Set<String> zones = new LinkedHashSet<>();
            for (DnsEntries.Host host : entries.hosts()) {
                zones.add(host.hostname());
                host.addresses().forEach(a -> DnsNames.ptrName(a).ifPresent(zones::add));
            }
            List<String> keys = new ArrayList<>();
            zones.forEach(z -> keys.add(z + port));
            lines.add(String.join(" ", keys) + " {");
            lines.add(indent + "errors");
            lines.add(indent + "hosts {");
            for (DnsEntries.Host host : entries.hosts()) {
                for (String address : host.addresses()) {
                    lines.add(indent + indent + address + " " + host.hostname());
                }
            }
            lines.add(indent + indent + "ttl 60");
            lines.add(indent + "}");
            lines.add("}");
        }
        for (DnsEntries.StubDomain stub : entries.stubDomains()) {
            lines.add(stub.domain() + port + " {");
            lines.add(indent + "errors");
            lines.add(indent + "cache 30");
            lines.add(indent + "forward . " + String.join(" ", stub.upstreams()));
            lines.add("}");
        }
        return lines;
    }

    /** The indentation of the first directive of the block, or four spaces. */
    static String indentOf(String text, Optional<Corefile.ServerBlock> block) {
        if (block.isEmpty() || block.get().block().directives().isEmpty()) {
            return "    ";
        }
        Corefile.Token first = block.get().block().directives().get(0).tokens().get(0);
        int lineStart = text.lastIndexOf('\n', first.start()) + 1;
        String indent = text.substring(lineStart, first.start());
        return indent.isBlank() && !indent.isEmpty() ? indent : "    ";
    }

    static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
