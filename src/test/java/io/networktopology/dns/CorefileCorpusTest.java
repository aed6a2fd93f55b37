package io.networktopology.dns;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Corefile corpus: kubeadm, kind, minikube, k3s, AKS-style, hand-written oddities, and broken files. */
class CorefileCorpusTest {

    static final Path GOOD = Path.of("src/test/resources/corefiles/good");
    static final Path BROKEN = Path.of("src/test/resources/corefiles/broken");

    static final DnsEntries ENTRIES = new DnsEntries(
            List.of(new DnsEntries.Alias("web.shop.internal", "web.shop.svc.cluster.local"),
                    new DnsEntries.Alias("api.shop.internal", "api.shop.svc.cluster.local")),
            List.of(new DnsEntries.Host("legacy.shop.internal", List.of("10.1.2.3", "fd00::3"))),
            List.of(new DnsEntries.StubDomain("corp.example", List.of("10.0.0.53", "10.0.0.54:5353"))));

    static Stream<Path> good() throws IOException {
        try (Stream<Path> files = Files.list(GOOD)) {
            return files.sorted().toList().stream();
        }
    }

    static Stream<Path> broken() throws IOException {
        try (Stream<Path> files = Files.list(BROKEN)) {
            return files.sorted().toList().stream();
        }
    }

    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void parseThenPrintIsByteIdentical(Path file) throws Exception {
        String text = read(file);
        assertThat(Corefile.parse(text).print()).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void patchIsIdempotentRemovableAndParses(Path file) throws Exception {
        String original = read(file);
        String patched = CorefilePatch.apply(original, ENTRIES);

        assertThat(patched).isNotEqualTo(original);
        assertThat(CorefilePatch.apply(patched, ENTRIES)).as("patch twice = patch once").isEqualTo(patched);
        assertThat(CorefilePatch.strip(patched)).as("nothing outside the managed parts changed").isEqualTo(original);
        assertThat(CorefilePatch.apply(patched, DnsEntries.none())).as("removing the entries restores the bytes").isEqualTo(original);
        Corefile parsed = Corefile.parse(patched);

        Corefile.ServerBlock cluster = CorefilePatch.clusterBlock(parsed).orElseThrow();
        assertThat(cluster.block().directives()).filteredOn(d -> d.name().equals("rewrite"))
                .extracting(d -> d.tokens().stream().map(Corefile.Token::text).toList())
                .containsExactly(
                        List.of("rewrite", "stop", "name", "exact", "web.shop.internal.", "web.shop.svc.cluster.local."),
                        List.of("rewrite", "stop", "name", "exact", "api.shop.internal.", "api.shop.svc.cluster.local."));
        String port = cluster.portSuffix();
        assertThat(parsed.serverBlocks()).filteredOn(b -> b.keys().get(0).text().equals("legacy.shop.internal" + port))
                .singleElement().satisfies(b -> {
                    assertThat(b.keys()).extracting(Corefile.Token::text).containsExactly("legacy.shop.internal" + port,
                            "3.2.1.10.in-addr.arpa" + port,
                            "3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa" + port);
                    assertThat(b.directive("hosts")).isPresent();
                });
        assertThat(parsed.serverBlocks()).filteredOn(b -> b.keys().get(0).text().equals("corp.example" + port))
                .singleElement().satisfies(b -> assertThat(b.directive("forward").orElseThrow().tokens())
                        .extracting(Corefile.Token::text).containsExactly("forward", ".", "10.0.0.53", "10.0.0.54:5353"));
        if (original.contains("\r\n")) {
            assertThat(patched.replace("\r\n", "")).as("every inserted line ends in CRLF too").doesNotContain("\n");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void aBrokenCorefileIsRefusedWithLineAndColumn(Path file) throws Exception {
        String text = read(file);
        assertThatThrownBy(() -> Corefile.parse(text)).isInstanceOf(CorefileSyntaxException.class)
                .hasMessageMatching("line \\d+, column \\d+: .*");
        assertThatThrownBy(() -> CorefilePatch.apply(text, ENTRIES)).isInstanceOf(CorefileSyntaxException.class);
    }

    @Test
    void aMissingEndMarkerIsReportedNotGuessed() throws Exception {
        String patched = CorefilePatch.apply(read(GOOD.resolve("kubeadm.Corefile")), ENTRIES);
        String mangled = patched.replaceFirst("    # <<< network-topology-operator: aliases <<<\n", "");
        assertThatThrownBy(() -> CorefilePatch.apply(mangled, ENTRIES)).isInstanceOf(CorefileSyntaxException.class)
                .hasMessageContaining("managed aliases are damaged");
    }

    @Test
    void editsInsideManagedPartsAreReplacedAndEditsOutsideKept() throws Exception {
        String original = read(GOOD.resolve("kubeadm.Corefile"));
        String patched = CorefilePatch.apply(original, ENTRIES);
        String edited = patched.replace("web.shop.svc.cluster.local.", "evil.example.com.")
                .replace("    loop\n", "    loop\n    # a comment someone added\n");
        String repaired = CorefilePatch.apply(edited, ENTRIES);
        assertThat(repaired).contains("rewrite stop name exact web.shop.internal. web.shop.svc.cluster.local.")
                .doesNotContain("evil.example.com").contains("    # a comment someone added\n");
    }

    @Test
    void aBlockWhoseFirstLineGoesOnIsNotEdited() {
        String oneLine = ".:53 { errors\n    kubernetes cluster.local\n}\n";
        assertThatThrownBy(() -> CorefilePatch.apply(oneLine, ENTRIES)).isInstanceOf(CorefileSyntaxException.class)
                .hasMessageContaining("one directive per line");
    }

    @Test
    void aliasesNeedABlockRunningTheKubernetesPlugin() {
        String noKubernetes = ".:53 {\n    forward . 8.8.8.8\n}\n";
        assertThatThrownBy(() -> CorefilePatch.apply(noKubernetes, ENTRIES)).isInstanceOf(CorefileSyntaxException.class)
                .hasMessageContaining("no server block runs the kubernetes plugin");
    }

    @Test
    void randomEntrySetsAreIdempotentAndRemovable() throws Exception {
        Random random = new Random(42);
        List<Path> files = good().toList();
        for (int round = 0; round < 200; round++) {
            Path file = files.get(random.nextInt(files.size()));
            String original = read(file);
            List<DnsEntries.Alias> aliases = new ArrayList<>();
            List<DnsEntries.Host> hosts = new ArrayList<>();
            List<DnsEntries.StubDomain> stubs = new ArrayList<>();
            for (int i = 0; i < random.nextInt(4); i++) {
                aliases.add(new DnsEntries.Alias("a" + i + ".team" + round + ".internal", "s" + i + ".ns.svc.cluster.local"));
            }
            for (int i = 0; i < random.nextInt(3); i++) {
                hosts.add(new DnsEntries.Host("h" + i + ".team" + round + ".internal", List.of("10.9." + round % 250 + "." + (i + 1))));
            }
            for (int i = 0; i < random.nextInt(3); i++) {
                stubs.add(new DnsEntries.StubDomain("z" + i + ".team" + round + ".example", List.of("10.0." + i + ".53")));
            }
            DnsEntries entries = new DnsEntries(aliases, hosts, stubs);
            String patched = CorefilePatch.apply(original, entries);
            assertThat(CorefilePatch.apply(patched, entries)).as("%s round %d", file, round).isEqualTo(patched);
            assertThat(CorefilePatch.strip(patched)).as("%s round %d", file, round).isEqualTo(original);
            Corefile.parse(patched);
        }
    }
}
