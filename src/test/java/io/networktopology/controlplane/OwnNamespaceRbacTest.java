package io.networktopology.controlplane;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.networktopology.Processes;
import io.networktopology.api.v1alpha1.DnsSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.reconciler.NetworkTopologyReconciler;
import io.networktopology.status.ConditionList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.ingress;
import static io.networktopology.Topologies.topology;
import static io.networktopology.Topologies.withIngresses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code own-namespace} overlay on a real API server: installed with kustomize, the operator runs as its
 * ServiceAccount (impersonated) with exactly those grants (a Role in its namespace, a Role in kube-system for
 * CoreDNS, a ClusterRole that only reads Nodes) and manages a topology with Services, an Ingress and DNS entries
 * patched into the Corefile. Any missing grant would leave it ReconcileFailed ("forbidden to the operator").
 */
@ExtendWith(RealControlPlaneExtension.class)
class OwnNamespaceRbacTest {

    static final String NS = "network-topology-system";

    @Test
    void theOperatorDoesEverythingWithTheOverlaysGrantsAndNoMore(ControlPlane plane) throws Exception {
        Processes.Result crd = Processes.run(new ProcessBuilder(plane.bin("kubectl").toString(), "--kubeconfig", plane.kubeconfig().toString(),
                "apply", "-k", "crds/"), null, Duration.ofMinutes(1));
        assertThat(crd.exitCode()).as(crd.err()).isZero();
        Processes.Result built = Processes.run(new ProcessBuilder(plane.bin("kubectl").toString(), "kustomize", "kustomize/overlays/own-namespace"),
                null, Duration.ofMinutes(1));
        assertThat(built.exitCode()).as(built.err()).isZero();
        Processes.Result applied = Processes.run(new ProcessBuilder(plane.bin("kubectl").toString(), "--kubeconfig", plane.kubeconfig().toString(),
                "apply", "-f", "-"), built.out(), Duration.ofMinutes(1));
        assertThat(applied.exitCode()).as(applied.err()).isZero();
        try (KubernetesClient admin = plane.client()) {
            admin.resource(new ConfigMapBuilder().withNewMetadata().withName("coredns").withNamespace("kube-system").endMetadata()
                    .addToData("Corefile", ".:53 {\n    errors\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n        pods insecure\n"
                            + "        fallthrough in-addr.arpa ip6.arpa\n    }\n    cache 30\n    reload\n}\n").build()).create();
            admin.resource(new DeploymentBuilder().withNewMetadata().withName("coredns").withNamespace("kube-system").endMetadata()
                    .withNewSpec().withNewSelector().addToMatchLabels("k8s-app", "kube-dns").endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("k8s-app", "kube-dns").endMetadata()
                    .withNewSpec().addNewContainer().withName("coredns").withImage("coredns").endContainer().endSpec().endTemplate()
                    .endSpec().build()).create();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                    admin.resources(NetworkTopology.class).inNamespace(NS).list() != null);

            Config asOperator = Config.fromKubeconfig(java.nio.file.Files.readString(plane.kubeconfig()));
            asOperator.setImpersonateUsername("system:serviceaccount:" + NS + ":network-topology-operator");
            asOperator.setImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + NS, "system:authenticated");
            KubernetesClient operatorClient = new KubernetesClientBuilder().withConfig(asOperator).build();
            Operator operator = new Operator(o -> o.withKubernetesClient(operatorClient));
            operator.register(new NetworkTopologyReconciler("cluster.local"), o -> o.settingNamespace(NS));
            operator.start();
            try {
                NetworkTopology shop = withIngresses(topology(NS, "shop", clusterIp("web")), ingress("shop", "shop.example.com", "/=web:80"));
                DnsSpec dns = new DnsSpec();
                var alias = new io.networktopology.api.v1alpha1.DnsSpec.Alias();
                alias.setName("www.network-topology-system.internal");
                alias.setService("web");
                dns.setAliases(List.of(alias));
                shop.getSpec().setDns(dns);
                admin.resource(shop).create();
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    NetworkTopology t = admin.resources(NetworkTopology.class).inNamespace(NS).withName("shop").get();
                    assertThat(t.getStatus()).isNotNull();
                    assertThat(ConditionList.find(t.getStatus().getConditions(), "ServicesReady").getStatus()).isEqualTo("True");
                    assertThat(ConditionList.find(t.getStatus().getConditions(), "DnsConfigured").getStatus())
                            .as(String.valueOf(t.getStatus().getConditions())).isEqualTo("True");
                });
                assertThat(admin.configMaps().inNamespace("kube-system").withName("coredns").get().getData().get("Corefile"))
                        .contains("www.network-topology-system.internal");
                assertThat(admin.network().v1().ingresses().inNamespace(NS).withName("shop").get()).isNotNull();
                NetworkTopology t = admin.resources(NetworkTopology.class).inNamespace(NS).withName("shop").get();
                assertThat(t.getStatus().getConditions()).noneSatisfy(c -> assertThat(c.getMessage()).contains("forbidden"));
            } finally {
                operator.stop();
                operatorClient.close();
            }
        }
    }
}
