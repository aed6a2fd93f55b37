package io.networktopology.lab;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.networktopology.api.v1alpha1.CheckStatus;
import io.networktopology.api.v1alpha1.ConnectivityStatus;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.embedded.EmbeddedKubernetes;
import io.networktopology.cli.Yaml;
import io.networktopology.probe.ProbeRuns;
import io.networktopology.dns.DnsSettings;
import io.networktopology.model.ChildLabels;
import io.networktopology.probe.FakeKubelet;
import io.networktopology.probe.ProbePods;
import io.networktopology.probe.ProbePods.Role;
import io.networktopology.probe.ProbeSettings;
import io.networktopology.reconciler.NetworkTopologyReconciler;
import io.networktopology.reconciler.PlainOperator;
import io.networktopology.status.ConditionList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.networktopology.Topologies.port;
import static io.networktopology.Topologies.service;
import static io.networktopology.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole loop, with a real network: the operator (production reconciler, plain JOSDK, embedded API) plans a probe
 * run for a topology; a kubelet played by this test puts each probe pod into {@link NetworkLab} — the echo pod is
 * pod-b on node-2, the client and local pods run the real probe program in pod-a on node-1 with exactly the checks the
 * operator wrote into their spec — and hands the real reports back as termination messages. status.connectivity
 * then says what the network really does, including a CoreDNS replica without the records and, after a masquerade
 * rule is added, NAT on pod-to-pod.
 */
class ProbeLabEndToEndTest {

    static final String NS = "shop";
    static NetworkLab lab;
    static EmbeddedKubernetes api;
    static KubernetesClient driver;
    static Operator operator;

    @BeforeAll
    static void start() throws Exception {
        String why = NetworkLab.unavailableBecause();
        Assumptions.assumeTrue(why == null, () -> "network lab skipped: " + why);
        lab = NetworkLab.start();
        lab.background("pod-b", Map.of("POD_NAME", "pod-b"), NetworkLab.java("echo", "--port", "8080"));
        lab.background("pod-a", Map.of("POD_NAME", "local-echo-sidecar"), NetworkLab.java("echo", "--port", String.valueOf(ProbePods.LOCAL_PORT)));

        api = EmbeddedKubernetes.start();
        driver = api.client();
        EmbeddedKubernetes.installCrd(driver);
        // The cluster as the API shows it: one schedulable node (node-2, where pod-b lives) and two CoreDNS replicas,
        // one of them the lab's cluster DNS and one the DNS server without records.
        driver.resource(new NodeBuilder().withNewMetadata().withName("node-2").addToLabels("kubernetes.io/hostname", "node-2").endMetadata()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress(NetworkLab.NODE_2).endAddress().endStatus().build()).create();
        FakeKubelet.coreDnsPod(driver, "coredns-a", NetworkLab.CLUSTER_DNS);
        FakeKubelet.coreDnsPod(driver, "coredns-b", NetworkLab.EMPTY_DNS);

        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(api.url()).withNamespace("default").build();
        KubernetesClient operatorClient = new KubernetesClientBuilder().withConfig(config).build();
        NetworkTopologyReconciler reconciler = new NetworkTopologyReconciler("cluster.local", DnsSettings.defaults("cluster.local"),
                ProbeSettings.defaults("cluster.local").withRunDeadline(Duration.ofSeconds(90)),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        operator = PlainOperator.start(operatorClient, reconciler);
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.stop();
        }
        if (api != null) {
            api.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    /** One pass of the lab's kubelet and service IP allocator. */
    static void kubelet() throws Exception {
        for (Service service : driver.services().inNamespace(NS).list().getItems()) {
            if (service.getSpec().getClusterIP() == null) {
                String name = service.getMetadata().getName();
                service.getSpec().setClusterIP(ChildLabels.isProbeObject(service) ? NetworkLab.ECHO_SERVICE_IP
                        : name.equals("web") ? NetworkLab.CLUSTER_IP : NetworkLab.ADMIN_IP);
                driver.resource(service).update();
            }
        }
        for (Pod pod : driver.pods().inNamespace(NS).withLabel(ChildLabels.PROBE_RUN).list().getItems()) {
            if (pod.getStatus() != null && pod.getStatus().getPhase() != null) {
                continue;
            }
            Role role = Role.of(pod);
            if (role == Role.echo) {
                // Scheduled to node-2: it is pod-b, whose echo server already listens.
                pod.setStatus(FakeKubelet.runningAndReady(NetworkLab.POD_B, NetworkLab.NODE_2));
            } else {
                // The probe container runs in pod-a with the checks the operator put in the pod's spec.
                NetworkLab.ProbeRun result = lab.probe("pod-a", Map.of("POD_IP", NetworkLab.POD_A), ProbePods.plannedChecks(pod));
                pod.setStatus(FakeKubelet.reported(result.exitCode(), result.report(), NetworkLab.POD_A));
            }
            try {
                driver.resource(pod).updateStatus();
            } catch (KubernetesClientException e) {
                // deleted meanwhile
            }
        }
    }

    static ConnectivityStatus untilRunFinished(String afterRun) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            kubelet();
            NetworkTopology t = driver.resources(NetworkTopology.class).inNamespace(NS).withName("shop").get();
            ConnectivityStatus c = t == null || t.getStatus() == null ? null : t.getStatus().getConnectivity();
            return c != null && !c.getLastRunId().equals(afterRun);
        });
        return driver.resources(NetworkTopology.class).inNamespace(NS).withName("shop").get().getStatus().getConnectivity();
    }

    static CheckStatus check(ConnectivityStatus status, String id) {
        return status.getChecks().stream().filter(c -> c.getId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + id + " in " + status.getChecks().stream().map(CheckStatus::getId).toList()));
    }

    static String condition(String type, String field) {
        NetworkTopology t = driver.resources(NetworkTopology.class).inNamespace(NS).withName("shop").get();
        var c = ConditionList.find(t.getStatus().getConditions(), type);
        return switch (field) {
            case "status" -> c.getStatus();
            case "reason" -> c.getReason();
            default -> c.getMessage();
        };
    }

    @Test
    void theTopologyVerifiesItselfInARealNetworkAndSeesWhatBreaks() {
        var admin = service("admin", ServiceType.NodePort, port(null, 8080, 8080));
        admin.getPorts().get(0).setNodePort(NetworkLab.NODE_PORT);
        NetworkTopology shop = topology(NS, "shop", service("web", ServiceType.ClusterIP, port("http", 80, 8080)), admin);
        driver.resource(shop).create();

        ConnectivityStatus first = untilRunFinished("");
        System.out.println("---- status.connectivity after the first run (real probes in the network lab):\n" + Yaml.print(first));
        assertThat(check(first, "container-to-container").getMessage()).contains("answered by local-echo-sidecar");
        assertThat(check(first, "pod-to-pod-node-2").getMessage())
                .contains("answered by pod-b").contains("source seen " + NetworkLab.POD_A);
        assertThat(check(first, "load-balancing").getResult()).isEqualTo(CheckStatus.Result.Passed);
        assertThat(check(first, "svc-ip-web-80").getResult()).isEqualTo(CheckStatus.Result.Passed);
        assertThat(check(first, "svc-name-web-80").getResult()).isEqualTo(CheckStatus.Result.Passed);
        assertThat(check(first, "nodeport-admin-8080-node-2").getResult()).isEqualTo(CheckStatus.Result.Passed);
        // One CoreDNS replica has the records, the other does not: the DNS checks say exactly that.
        CheckStatus dns = check(first, "dns-a-web");
        assertThat(dns.getResult()).isEqualTo(CheckStatus.Result.Failed);
        assertThat(dns.getMessage()).startsWith("served by 1/2 CoreDNS pods; coredns-b: ");
        assertThat(check(first, "dns-ptr-web").getMessage()).startsWith("served by 1/2 CoreDNS pods");
        // One failed run is below the threshold (2).
        await().atMost(Duration.ofSeconds(10)).until(() -> "Unknown".equals(condition("ConnectivityVerified", "status")));
        assertThat(condition("ConnectivityVerified", "message")).contains("checks failing, fewer than 2 runs in a row").contains("dns-a-web");

        // Break the no-NAT promise on node-2 and ask for a run now.
        lab.nft("node-2", "add table ip fault\nadd chain ip fault post { type nat hook postrouting priority 100; }\n"
                + "add rule ip fault post ip daddr " + NetworkLab.POD_B + " masquerade\n");
        try {
            driver.resources(NetworkTopology.class).inNamespace(NS).withName("shop").edit(t -> {
                t.getMetadata().setAnnotations(new HashMap<>(Map.of(ProbeRuns.PROBE_NOW_ANNOTATION, "after-masquerade")));
                return t;
            });
            ConnectivityStatus second = untilRunFinished(first.getLastRunId());
            System.out.println("---- status.connectivity after a masquerade rule on node-2:\n" + Yaml.print(second));
            CheckStatus nat = check(second, "pod-to-pod-node-2");
            assertThat(nat.getResult()).isEqualTo(CheckStatus.Result.Failed);
            assertThat(nat.getMessage()).contains("saw the client as " + NetworkLab.EMPTY_DNS + ", not " + NetworkLab.POD_A);
            assertThat(nat.getConsecutiveFailures()).isEqualTo(1);
            assertThat(nat.getLastOutage().getStart()).isEqualTo(second.getLastRun());
            assertThat(check(second, "dns-a-web").getConsecutiveFailures()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(10)).until(() -> "False".equals(condition("ConnectivityVerified", "status")));
            assertThat(condition("Ready", "reason")).isEqualTo("ConnectivityFailed");
            System.out.println("---- Ready: " + condition("Ready", "message"));
        } finally {
            lab.nft("node-2", "delete table ip fault\n");
        }
    }
}
