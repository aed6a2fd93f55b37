package io.networktopology.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.networktopology.api.v1alpha1.DnsSpec;
import io.networktopology.api.v1alpha1.DnsStatus;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.embedded.EmbeddedKubernetes;
import io.networktopology.dns.DnsSync;
import io.networktopology.status.ConditionList;
import io.quarkus.test.junit.QuarkusTest;
import io.networktopology.EmbeddedApi;
import io.quarkus.test.common.QuarkusTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.dns;
import static io.networktopology.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator and the cluster's CoreDNS configuration, against the embedded API: a kube-system/coredns ConfigMap
 * with a real-world Corefile, played by the test. Every test starts from that ConfigMap and no DNS topologies.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedApi.class)
class DnsOperatorTest {

    @RegisterExtension
    static ClusterState clusterState = new ClusterState();

    @Inject
    KubernetesClient client;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    private double reconciles() {
        return registry.find("networktopology.reconciles").counter().count();
    }

    private static String corefile(String name) throws Exception {
        return Files.readString(Path.of("src/test/resources/corefiles/good", name));
    }

    @BeforeEach
    void startFromACleanCluster() throws Exception {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            client.resources(NetworkTopology.class).inAnyNamespace().list().getItems().stream()
                    .filter(DnsOperatorTest::touchesDns)
                    .forEach(t -> client.resource(t).delete());
            return client.resources(NetworkTopology.class).inAnyNamespace().list().getItems().stream()
                    .noneMatch(DnsOperatorTest::touchesDns);
        });
        actAsGarbageCollectorForDeletedTopologies();
        if (client.apiextensions().v1().customResourceDefinitions().withName("networktopologies.networktopology.io").get() == null) {
            EmbeddedKubernetes.installCrd(client);
        }
        for (String name : List.of("coredns", "coredns-custom", "coredns-backup-network-topology-operator")) {
            client.configMaps().inNamespace("kube-system").withName(name).delete();
        }
        await().until(() -> client.configMaps().inNamespace("kube-system").withName("coredns").get() == null);
        client.apps().deployments().inNamespace("kube-system").withName("coredns").delete();
    }

    private static boolean touchesDns(NetworkTopology t) {
        return t.getMetadata().getNamespace().startsWith("dns-")
                || (t.getSpec() != null && t.getSpec().getDns() != null && !t.getSpec().getDns().isEmpty());
    }

    /** The embedded API collects no garbage: remove the Services of the topologies deleted above, as the GC would. */
    private void actAsGarbageCollectorForDeletedTopologies() {
        client.services().inAnyNamespace().list().getItems().stream()
                .filter(s -> s.getMetadata().getNamespace().startsWith("dns-"))
                .forEach(s -> client.resource(s).delete());
    }

    private void corefileConfigMap(String corefile) {
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("coredns").withNamespace("kube-system").endMetadata()
                .addToData("Corefile", corefile).build()).create();
    }

    private String currentCorefile() {
        return client.configMaps().inNamespace("kube-system").withName("coredns").get().getData().get("Corefile");
    }

    private NetworkTopology apply(String namespace, String name, DnsSpec dns) {
        NetworkTopology t = topology(namespace, name, clusterIp("web"));
        t.getSpec().setDns(dns);
        return client.resource(t).create();
    }

    private NetworkTopology awaitDns(String namespace, String name, String status, String reason, Predicate<NetworkTopology> check) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            NetworkTopology t = client.resources(NetworkTopology.class).inNamespace(namespace).withName(name).get();
            if (t == null || t.getStatus() == null) {
                return false;
            }
            var c = ConditionList.find(t.getStatus().getConditions(), "DnsConfigured");
            return c != null && status.equals(c.getStatus()) && reason.equals(c.getReason()) && check.test(t);
        });
        return client.resources(NetworkTopology.class).inNamespace(namespace).withName(name).get();
    }

    @Test
    void inlineEntriesAreAddedAndTheOriginalCorefileComesBackOnDelete() throws Exception {
        String original = corefile("kubeadm.Corefile");
        corefileConfigMap(original);
        NetworkTopology topology = apply("dns-inline", "shop", dns(
                List.of(new DnsSpec.Alias("web.dns-inline.internal", "web")),
                List.of(new DnsSpec.Host("legacy.corp.test", List.of("10.1.2.3"))),
                List.of(new DnsSpec.StubDomain("corp.example", List.of("10.0.0.53")))));

        NetworkTopology applied = awaitDns("dns-inline", "shop", "True", "DnsApplied", t -> true);
        DnsStatus dns = applied.getStatus().getDns();
        assertThat(dns.getStrategy()).isEqualTo(DnsStatus.Strategy.Inline);
        assertThat(dns.getConfigMap()).isEqualTo("kube-system/coredns");
        assertThat(dns.getReload()).isTrue();
        assertThat(dns.getEntries()).extracting(DnsStatus.DnsEntryStatus::getName, DnsStatus.DnsEntryStatus::getState)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web.dns-inline.internal", DnsStatus.EntryState.Applied),
                        org.assertj.core.groups.Tuple.tuple("legacy.corp.test", DnsStatus.EntryState.Applied),
                        org.assertj.core.groups.Tuple.tuple("corp.example", DnsStatus.EntryState.Applied));
        assertThat(currentCorefile())
                .contains("    rewrite stop name exact web.dns-inline.internal. web.dns-inline.svc.cluster.local.\n")
                .contains("legacy.corp.test:53 3.2.1.10.in-addr.arpa:53 {")
                .contains("corp.example:53 {");
        assertThat(client.configMaps().inNamespace("kube-system").withName("coredns-backup-network-topology-operator").get()
                .getData().get("Corefile")).as("the first edit keeps a backup of the original").isEqualTo(original);

        client.resource(topology).delete();
        await().until(() -> client.resources(NetworkTopology.class).inNamespace("dns-inline").withName("shop").get() == null);
        assertThat(currentCorefile()).as("the finalizer removed every managed part").isEqualTo(original);
    }

    @Test
    void anotherWritersEditSurvivesAndManualDamageIsRepaired() throws Exception {
        corefileConfigMap(corefile("kind.Corefile"));
        apply("dns-inline", "shop", dns(List.of(new DnsSpec.Alias("web.dns-inline.internal", "web")), List.of(), List.of()));
        awaitDns("dns-inline", "shop", "True", "DnsApplied", t -> true);
        await().until(() -> currentCorefile().contains("rewrite stop name exact web.dns-inline.internal."));

        // Another writer edits outside the managed part and, carelessly, deletes the managed part too.
        ConfigMap map = client.configMaps().inNamespace("kube-system").withName("coredns").get();
        String damaged = map.getData().get("Corefile")
                .replaceAll("(?s)    # >>> network-topology-operator: aliases.*?<<<\n", "")
                .replace("    cache 30\n", "    cache 60\n");
        map.getData().put("Corefile", damaged);
        client.resource(map).update();

        await().until(() -> currentCorefile().contains("rewrite stop name exact web.dns-inline.internal."));
        assertThat(currentCorefile()).as("their edit is kept").contains("    cache 60\n").doesNotContain("    cache 30\n");
    }

    @Test
    void oneChangedEntryAmongManyTopologiesCostsOneWriteAndNoConfigMapRead() throws Exception {
        corefileConfigMap(corefile("kubeadm.Corefile"));
        int topologies = 12;
        for (int i = 0; i < topologies; i++) {
            apply("dns-inline", "t" + i, dns(List.of(new DnsSpec.Alias("a" + i + ".dns-inline.internal", "web")), List.of(), List.of()));
        }
        for (int i = 0; i < topologies; i++) {
            awaitDns("dns-inline", "t" + i, "True", "DnsApplied", t -> true);
        }
        await().until(() -> currentCorefile().contains("a" + (topologies - 1) + ".dns-inline.internal."));
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        int before = EmbeddedApi.api().recordedRequests().size();
        double reconcilesBefore = reconciles();

        client.resources(NetworkTopology.class).inNamespace("dns-inline").withName("t3").edit(t -> {
            t.getSpec().getDns().getAliases().get(0).setName("renamed.dns-inline.internal");
            return t;
        });
        awaitDns("dns-inline", "t3", "True", "DnsApplied",
                t -> t.getStatus().getDns().getEntries().get(0).getName().equals("renamed.dns-inline.internal"));
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        List<String> requests = EmbeddedApi.api().recordedRequests();
        List<String> configMapRequests = requests.subList(before, requests.size()).stream()
                .filter(r -> r.contains("/namespaces/kube-system/configmaps")).toList();
        assertThat(configMapRequests).as("the operator reads the Corefile from its informer and writes it once, whatever the number of topologies")
                .containsExactly("PUT /api/v1/namespaces/kube-system/configmaps/coredns");
        assertThat(currentCorefile()).contains("rewrite stop name exact renamed.dns-inline.internal.").doesNotContain(" a3.dns-inline.internal.");
        assertThat(reconciles() - reconcilesBefore).as("the changed topology is reconciled; the operator's own Corefile write wakes"
                + " none of the other " + (topologies - 1)).isLessThan(topologies - 1);
    }

    @Test
    void twoTopologiesAcrossNamespacesShareTheCorefileAndTheOlderKeepsAName() throws Exception {
        corefileConfigMap(corefile("minikube.Corefile"));
        apply("dns-inline", "first", dns(List.of(new DnsSpec.Alias("web.dns-inline.internal", "web")),
                List.of(new DnsSpec.Host("db.dns-inline.internal", List.of("10.0.0.5"))), List.of()));
        awaitDns("dns-inline", "first", "True", "DnsApplied", t -> true);
        apply("dns-other", "second", dns(List.of(new DnsSpec.Alias("web.dns-other.internal", "web")), List.of(), List.of()));
        apply("dns-inline", "third", dns(List.of(new DnsSpec.Alias("web.dns-inline.internal", "web")), List.of(), List.of()));

        awaitDns("dns-other", "second", "True", "DnsApplied", t -> true);
        NetworkTopology third = awaitDns("dns-inline", "third", "False", "DnsConflict", t -> true);
        assertThat(ConditionList.find(third.getStatus().getConditions(), "DnsConfigured").getMessage())
                .isEqualTo("Alias web.dns-inline.internal: web.dns-inline.internal is already claimed by topology dns-inline/first, which is older");
        await().until(() -> currentCorefile().contains("rewrite stop name exact web.dns-other.internal."));
        String corefile = currentCorefile();
        assertThat(corefile).contains("rewrite stop name exact web.dns-inline.internal. web.dns-inline.svc.cluster.local.")
                .contains("       192.168.49.1 host.minikube.internal\n")
                .contains("db.dns-inline.internal:53 5.0.0.10.in-addr.arpa:53 {");

        // The older topology goes: the name is free, and the newer one gets it without being touched itself.
        client.resources(NetworkTopology.class).inNamespace("dns-inline").withName("first").delete();
        awaitDns("dns-inline", "third", "True", "DnsApplied", t -> true);
    }

    @Test
    void namesThePolicyForbidsAreNotApplied() throws Exception {
        corefileConfigMap(corefile("kubeadm.Corefile"));
        apply("dns-other", "shop", dns(List.of(new DnsSpec.Alias("evil.default.svc.cluster.local", "web")), List.of(),
                List.of(new DnsSpec.StubDomain("corp.example", List.of("10.0.0.53")))));
        NetworkTopology status = awaitDns("dns-other", "shop", "False", "DnsPolicyViolation", t -> true);
        assertThat(status.getStatus().getDns().getEntries()).extracting(DnsStatus.DnsEntryStatus::getState)
                .containsOnly(DnsStatus.EntryState.PolicyViolation);
        assertThat(currentCorefile()).isEqualTo(corefile("kubeadm.Corefile"));
    }

    @Test
    void anUnparseableCorefileIsLeftUntouched() throws Exception {
        String broken = Files.readString(Path.of("src/test/resources/corefiles/broken/unclosed-block.Corefile"));
        corefileConfigMap(broken);
        apply("dns-inline", "shop", dns(List.of(new DnsSpec.Alias("web.dns-inline.internal", "web")), List.of(), List.of()));
        NetworkTopology status = awaitDns("dns-inline", "shop", "False", "CorefileUnparseable", t -> true);
        assertThat(ConditionList.find(status.getStatus().getConditions(), "DnsConfigured").getMessage())
                .endsWith("cannot be parsed, so it was left untouched: line 1, column 6: block opened here is never closed");
        assertThat(currentCorefile()).isEqualTo(broken);
        assertThat(ConditionList.find(status.getStatus().getConditions(), "ServicesReady").getStatus())
                .as("the rest of the topology is applied").isEqualTo("True");
    }

    @Test
    void aReconciledConfigMapIsUnsupportedAndUnchanged() throws Exception {
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("coredns").withNamespace("kube-system")
                .addToLabels("addonmanager.kubernetes.io/mode", "Reconcile").endMetadata()
                .addToData("Corefile", corefile("kubeadm.Corefile")).build()).create();
        apply("dns-inline", "shop", dns(List.of(new DnsSpec.Alias("web.dns-inline.internal", "web")), List.of(), List.of()));
        NetworkTopology status = awaitDns("dns-inline", "shop", "False", "DnsUnsupported", t -> true);
        assertThat(status.getStatus().getDns().getStrategy()).isEqualTo(DnsStatus.Strategy.Unsupported);
        assertThat(status.getStatus().getDns().getNotes()).singleElement().asString().contains("addonmanager.kubernetes.io/mode=Reconcile");
        assertThat(currentCorefile()).isEqualTo(corefile("kubeadm.Corefile"));
    }

    @Test
    void aK3sStyleCorefileGetsTheImportStrategyAndCoreDnsIsRestarted() throws Exception {
        String original = corefile("k3s.Corefile");
        corefileConfigMap(original);
        client.resource(new DeploymentBuilder().withNewMetadata().withName("coredns").withNamespace("kube-system").endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("k8s-app", "kube-dns").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("k8s-app", "kube-dns").endMetadata()
                .withNewSpec().addNewContainer().withName("coredns").withImage("coredns").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        apply("dns-import", "shop", dns(List.of(new DnsSpec.Alias("web.dns-import.internal", "web")), List.of(),
                List.of(new DnsSpec.StubDomain("corp.example", List.of("10.0.0.53")))));

        NetworkTopology applied = awaitDns("dns-import", "shop", "True", "DnsApplied", t -> true);
        assertThat(applied.getStatus().getDns().getStrategy()).isEqualTo(DnsStatus.Strategy.Import);
        assertThat(applied.getStatus().getDns().getConfigMap()).isEqualTo("kube-system/coredns-custom");
        Map<String, String> custom = client.configMaps().inNamespace("kube-system").withName("coredns-custom").get().getData();
        assertThat(custom.get(DnsSync.OVERRIDE_KEY)).isEqualTo("rewrite stop name exact web.dns-import.internal. web.dns-import.svc.cluster.local.\n");
        assertThat(custom.get(DnsSync.SERVER_KEY)).startsWith("corp.example:53 {\n");
        assertThat(currentCorefile()).as("the main Corefile is left alone").isEqualTo(original);
        Deployment coredns = client.apps().deployments().inNamespace("kube-system").withName("coredns").get();
        assertThat(coredns.getSpec().getTemplate().getMetadata().getAnnotations()).containsKey(DnsSync.RESTARTED_AT);
    }
}
