package io.networktopology.dns;

import io.networktopology.api.v1alpha1.DnsSpec;
import io.networktopology.api.v1alpha1.DnsStatus.EntryState;
import io.networktopology.api.v1alpha1.NetworkTopology;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.dns;
import static io.networktopology.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;

class DnsPlanTest {

    private static final DnsSettings SETTINGS = new DnsSettings("kube-system", "coredns", "Corefile", "coredns-custom",
            "coredns", "cluster.local", List.of("*={namespace}.internal", "shop=corp.test"), List.of("shop"), false, null);

    private static NetworkTopology withDns(String namespace, String name, String created, DnsSpec dns) {
        NetworkTopology t = topology(namespace, name, clusterIp("web"));
        t.getMetadata().setCreationTimestamp(created);
        t.getSpec().setDns(dns);
        return t;
    }

    @Test
    void entriesOfAllTopologiesAreMergedInAStableOrder() {
        NetworkTopology shop = withDns("shop", "shop", "2026-01-01T00:00:00Z", dns(
                List.of(new DnsSpec.Alias("web.shop.internal", "web")),
                List.of(new DnsSpec.Host("legacy.corp.test", List.of("10.1.2.3"))),
                List.of(new DnsSpec.StubDomain("corp.example", List.of("10.0.0.53")))));
        NetworkTopology blog = withDns("blog", "blog", "2026-01-02T00:00:00Z", dns(
                List.of(new DnsSpec.Alias("a.blog.internal", "web")), List.of(), List.of()));

        DnsPlan plan = DnsPlan.of(List.of(blog, shop), SETTINGS);
        assertThat(plan.entries().aliases()).containsExactly(
                new DnsEntries.Alias("a.blog.internal", "web.blog.svc.cluster.local"),
                new DnsEntries.Alias("web.shop.internal", "web.shop.svc.cluster.local"));
        assertThat(plan.entries().hosts()).containsExactly(new DnsEntries.Host("legacy.corp.test", List.of("10.1.2.3")));
        assertThat(plan.entries().stubDomains()).containsExactly(new DnsEntries.StubDomain("corp.example", List.of("10.0.0.53")));
        assertThat(DnsPlan.of(List.of(shop, blog), SETTINGS).entries()).as("input order does not matter").isEqualTo(plan.entries());
        assertThat(plan.resultsFor(shop)).extracting(DnsPlan.EntryResult::state).containsOnly(EntryState.Applied);
    }

    @Test
    void theOlderTopologyKeepsANameAndTheNewerIsToldWho() {
        NetworkTopology older = withDns("shop", "first", "2026-01-01T00:00:00Z", dns(
                List.of(new DnsSpec.Alias("web.shop.internal", "web")), List.of(), List.of()));
        NetworkTopology newer = withDns("shop", "second", "2026-01-02T00:00:00Z", dns(
                List.of(), List.of(new DnsSpec.Host("web.shop.internal", List.of("10.0.0.9"))), List.of()));
        DnsPlan plan = DnsPlan.of(List.of(newer, older), SETTINGS);
        assertThat(plan.entries().hosts()).isEmpty();
        assertThat(plan.resultsFor(newer)).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo(EntryState.Conflict);
            assertThat(r.message()).isEqualTo("web.shop.internal is already claimed by topology shop/first, which is older");
        });
    }

    @Test
    void thePolicyKeepsNamesOutOfTheClusterDomainAndOtherNamespacesZones() {
        NetworkTopology blog = withDns("blog", "blog", "2026-01-01T00:00:00Z", dns(
                List.of(new DnsSpec.Alias("kubernetes.default.svc.cluster.local", "web"),
                        new DnsSpec.Alias("web.shop.internal", "web"),
                        new DnsSpec.Alias("ok.blog.internal", "web")),
                List.of(new DnsSpec.Host("legacy.corp.test", List.of("10.1.2.3"))),
                List.of(new DnsSpec.StubDomain("corp.example", List.of("10.0.0.53")))));
        DnsPlan plan = DnsPlan.of(List.of(blog), SETTINGS);
        assertThat(plan.resultsFor(blog)).extracting(DnsPlan.EntryResult::name, DnsPlan.EntryResult::state, DnsPlan.EntryResult::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("kubernetes.default.svc.cluster.local", EntryState.PolicyViolation,
                                "kubernetes.default.svc.cluster.local is inside the cluster domain cluster.local, which belongs to Kubernetes"),
                        org.assertj.core.groups.Tuple.tuple("web.shop.internal", EntryState.PolicyViolation,
                                "web.shop.internal is outside the zones allowed for namespace blog (blog.internal)"),
                        org.assertj.core.groups.Tuple.tuple("ok.blog.internal", EntryState.Applied, null),
                        org.assertj.core.groups.Tuple.tuple("legacy.corp.test", EntryState.PolicyViolation,
                                "legacy.corp.test is outside the zones allowed for namespace blog (blog.internal)"),
                        org.assertj.core.groups.Tuple.tuple("corp.example", EntryState.PolicyViolation,
                                "stub domains are not allowed for namespace blog (operator setting networktopology.dns.stub-domain-namespaces)"));
        assertThat(plan.entries().aliases()).extracting(DnsEntries.Alias::name).containsExactly("ok.blog.internal");
    }

    @Test
    void invalidAndDeletedTopologiesContributeNothing() {
        NetworkTopology invalid = withDns("shop", "bad", "2026-01-01T00:00:00Z", dns(
                List.of(new DnsSpec.Alias("web.shop.internal", "nope")), List.of(), List.of()));
        NetworkTopology deleted = withDns("shop", "gone", "2026-01-01T00:00:00Z", dns(
                List.of(new DnsSpec.Alias("x.shop.internal", "web")), List.of(), List.of()));
        deleted.getMetadata().setDeletionTimestamp("2026-01-03T00:00:00Z");
        assertThat(DnsPlan.of(List.of(invalid, deleted), SETTINGS).entries().isEmpty()).isTrue();
    }
}
