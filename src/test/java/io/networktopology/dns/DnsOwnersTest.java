package io.networktopology.dns;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.networktopology.embedded.EmbeddedKubernetes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two installs of the operator sharing one CoreDNS (the own-namespace overlay, twice): each owns its parts of the
 * Corefile and of the custom-files ConfigMap, and never removes the other's. A trial found each replacing the whole
 * managed block, so the two erased each other's entries on every write.
 */
class DnsOwnersTest {

    static final String COREFILE = """
            .:53 {
                errors
                kubernetes cluster.local in-addr.arpa ip6.arpa {
                   pods insecure
                   fallthrough in-addr.arpa ip6.arpa
                }
                forward . /etc/resolv.conf
                cache 30
                reload
            }
            """;

    static DnsEntries aliases(String... nameTarget) {
        List<DnsEntries.Alias> aliases = new java.util.ArrayList<>();
        for (int i = 0; i < nameTarget.length; i += 2) {
            aliases.add(new DnsEntries.Alias(nameTarget[i], nameTarget[i + 1]));
        }
        return new DnsEntries(aliases, List.of(), List.of());
    }

    @Test
    void eachInstallRewritesAndRemovesOnlyItsOwnParts() throws Exception {
        DnsEntries a = new DnsEntries(List.of(new DnsEntries.Alias("www.a.internal", "web.a.svc.cluster.local")),
                List.of(new DnsEntries.Host("db.a.internal", List.of("10.1.2.3"))), List.of());
        String withA = CorefilePatch.apply(COREFILE, a, "team-a");
        String withB = CorefilePatch.apply(withA, aliases("www.b.internal", "web.b.svc.cluster.local"), "team-b");
        assertThat(withB).contains("# >>> network-topology-operator team-a: aliases", "# >>> network-topology-operator team-b: aliases",
                "rewrite stop name exact www.a.internal. web.a.svc.cluster.local.", "rewrite stop name exact www.b.internal. web.b.svc.cluster.local.",
                "10.1.2.3 db.a.internal");

        // team-a changes its entries: team-b's stay as they were.
        String changedA = CorefilePatch.apply(withB, aliases("api.a.internal", "api.a.svc.cluster.local"), "team-a");
        assertThat(changedA).doesNotContain("www.a.internal").doesNotContain("db.a.internal")
                .contains("api.a.internal", "rewrite stop name exact www.b.internal. web.b.svc.cluster.local.");
        Corefile.parse(changedA);

        // The cluster-wide install (no owner) beside them, and everyone leaving: the original bytes.
        String withAll = CorefilePatch.apply(changedA, aliases("www.c.internal", "web.c.svc.cluster.local"), null);
        assertThat(CorefilePatch.strip(withAll, null)).isEqualTo(changedA);
        assertThat(CorefilePatch.strip(CorefilePatch.strip(CorefilePatch.strip(withAll, null), "team-b"), "team-a")).isEqualTo(COREFILE);
        assertThat(CorefilePatch.apply(CorefilePatch.apply(withAll, aliases(), "team-a"), aliases(), "team-b"))
                .isEqualTo(CorefilePatch.apply(COREFILE, aliases("www.c.internal", "web.c.svc.cluster.local"), null));
    }

    @Test
    void twoOperatorsSharingACoreDnsKeepEachOthersEntries() {
        try (EmbeddedKubernetes api = EmbeddedKubernetes.start(); KubernetesClient client = api.client()) {
            client.resource(new ConfigMapBuilder().withNewMetadata().withName("coredns").withNamespace("kube-system").endMetadata()
                    .addToData("Corefile", COREFILE).build()).create();
            DnsSync teamA = new DnsSync(DnsSettings.defaults("cluster.local").withOwner("team-a"));
            DnsSync teamB = new DnsSync(DnsSettings.defaults("cluster.local").withOwner("team-b"));
            for (int round = 0; round < 3; round++) {
                assertThat(teamA.sync(aliases("www.a.internal", "web.a.svc.cluster.local"), client).applied()).isTrue();
                assertThat(teamB.sync(aliases("www.b.internal", "web.b.svc.cluster.local"), client).applied()).isTrue();
            }
            String corefile = client.configMaps().inNamespace("kube-system").withName("coredns").get().getData().get("Corefile");
            assertThat(corefile).contains("www.a.internal", "www.b.internal");
            teamA.sync(aliases(), client);
            corefile = client.configMaps().inNamespace("kube-system").withName("coredns").get().getData().get("Corefile");
            assertThat(corefile).doesNotContain("www.a.internal").contains("www.b.internal");
        }
        assertThat(DnsSync.overrideKey("team-a")).isEqualTo("network-topology-operator-team-a.override");
        assertThat(DnsSync.overrideKey(null)).isEqualTo(DnsSync.OVERRIDE_KEY);
    }

    @Test
    void anOwnerMustBeADnsLabel() {
        assertThatThrownBy(() -> DnsSettings.defaults("cluster.local").withOwner("Team_A"))
                .hasMessage("networktopology.dns.owner \"Team_A\" must be a DNS label (lower-case letters, digits and '-', at most 63 characters)");
        assertThat(DnsSettings.defaults("cluster.local").withOwner(" ").owner()).isNull();
    }
}
