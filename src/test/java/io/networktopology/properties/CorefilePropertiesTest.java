package io.networktopology.properties;

import io.networktopology.dns.Corefile;
import io.networktopology.dns.CorefilePatch;
import io.networktopology.dns.CorefileSyntaxException;
import io.networktopology.dns.DnsEntries;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random Corefiles, built from the shapes real clusters use (kubeadm, k3s, AKS, minikube) with odd whitespace, CRLF,
 * comments, quotes, snippets and a missing final newline; and random text. The printer gives back every parsable
 * input byte for byte, anything else is a CorefileSyntaxException, and patching then removing the operator's
 * entries restores the original.
 */
class CorefilePropertiesTest {

    static Arbitrary<String> directive() {
        return Arbitraries.of("errors", "health {\n    lameduck 5s\n}", "ready :8181", "kubernetes cluster.local in-addr.arpa ip6.arpa {\n"
                + "   pods insecure\n   fallthrough in-addr.arpa ip6.arpa\n   ttl 30\n}", "prometheus :9153", "forward . /etc/resolv.conf {\n"
                + "   max_concurrent 1000\n}", "cache 30", "loop", "reload", "loadbalance", "import custom/*.override",
                "hosts /etc/coredns/NodeHosts {\n  ttl 60\n  reload 15s\n  fallthrough\n}", "# a comment", "rewrite name exact a.example. b.example.",
                "log . \"{remote} {name}\"", "template IN A example {\n  answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n}", "import snip",
                "forward . {$UPSTREAM}");
    }

    static Arbitrary<String> block() {
        Arbitrary<String> keys = Arbitraries.of(".:53", ".", "cluster.local:53", "example.org", "dns://.:5353", "consul.local:53 other.local:53");
        Arbitrary<String> indent = Arbitraries.of("    ", "\t", "  ");
        return Combinators.combine(keys, directive().list().ofMinSize(1).ofMaxSize(8), indent)
                .as((key, directives, in) -> key + " {\n" + String.join("\n", directives.stream()
                        .map(d -> in + d.replace("\n", "\n" + in)).toList()) + "\n}");
    }

    @Provide
    Arbitrary<String> corefiles() {
        Arbitrary<String> snippet = Arbitraries.of("", "(snip) {\n    errors\n}\n");
        Arbitrary<String> imports = Arbitraries.of("", "import custom/*.server\n");
        return Combinators.combine(snippet, block().list().ofMinSize(1).ofMaxSize(3), imports, Arbitraries.of("\n", "\r\n"),
                Arbitraries.of("", "\n", "\n\n", "   \n"), Arbitraries.of(true, false))
                .as((s, blocks, i, eol, gap, finalNewline) -> {
                    String text = s + String.join("\n" + gap, blocks) + "\n" + i;
                    text = finalNewline ? text : text.stripTrailing();
                    return text.replace("\n", eol);
                });
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.strings().withChars('{', '}', '"', '\\', '\n', '\r', '\t', ' ', '#', '.', ':', 'a', 'b', '(', ')', '$', '`', 'é')
                .ofMaxLength(80);
    }

    @Provide
    Arbitrary<DnsEntries> entries() {
        Arbitrary<List<DnsEntries.Alias>> aliases = Arbitraries.of(new DnsEntries.Alias("www.shop.internal", "web.shop.svc.cluster.local"),
                new DnsEntries.Alias("api.shop.internal", "api.shop.svc.cluster.local")).list().uniqueElements().ofMaxSize(2);
        Arbitrary<List<DnsEntries.Host>> hosts = Arbitraries.of(new DnsEntries.Host("db.shop.internal", List.of("10.1.2.3")),
                new DnsEntries.Host("v6.shop.internal", List.of("fd00::1"))).list().uniqueElements().ofMaxSize(2);
        Arbitrary<List<DnsEntries.StubDomain>> stubs = Arbitraries.of(new DnsEntries.StubDomain("corp.example", List.of("10.0.0.53")))
                .list().ofMaxSize(1);
        return Combinators.combine(aliases, hosts, stubs).as(DnsEntries::new);
    }

    @Property(tries = 1000)
    void thePrinterGivesBackEveryParsableCorefileByteForByte(@ForAll("corefiles") String text) throws CorefileSyntaxException {
        assertThat(Corefile.parse(text).print()).isEqualTo(text);
    }

    @Property(tries = 2000)
    void anyTextParsesAndPrintsBackOrIsASyntaxError(@ForAll("anyText") String text) {
        try {
            assertThat(Corefile.parse(text).print()).isEqualTo(text);
            Statistics.collect("parsed");
        } catch (CorefileSyntaxException e) {
            assertThat(e.getMessage()).isNotBlank();
            Statistics.collect("syntax error");
        }
    }

    @Property(tries = 1000)
    void patchingThenRemovingRestoresTheOriginal(@ForAll("corefiles") String text, @ForAll("entries") DnsEntries entries) throws Exception {
        String patched;
        try {
            patched = CorefilePatch.apply(text, entries);
        } catch (CorefileSyntaxException e) {
            Statistics.collect("refused");
            return; // refused (no kubernetes block for aliases, or a layout the operator does not edit): nothing written
        }
        Statistics.collect(entries.isEmpty() ? "nothing to patch" : "patched");
        Corefile.parse(patched);
        assertThat(CorefilePatch.apply(patched, entries)).as("patching twice changes nothing").isEqualTo(patched);
        assertThat(CorefilePatch.strip(patched)).isEqualTo(text);
        assertThat(CorefilePatch.apply(patched, DnsEntries.none())).isEqualTo(text);
    }
}
