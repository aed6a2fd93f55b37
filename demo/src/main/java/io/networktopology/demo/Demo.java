package io.networktopology.demo;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.model.ServiceModel;
import io.networktopology.status.ConditionList;
import io.networktopology.status.Conditions;
import io.networktopology.cli.TopologyFiles;
import io.networktopology.cli.Yaml;
import io.networktopology.embedded.ApiServerStandIn;
import io.networktopology.embedded.EmbeddedKubernetes;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The demo's scenario, against an API where the operator runs: applies the example topology, plays the cluster's
 * allocators, waits for Ready, prints what resulted like {@code kubectl get}, then shows the operator putting back a
 * hand edit.
 */
public final class Demo {

    public static final String EXAMPLE = "/examples/shop.yaml";
    private static final int MAX_POLLS = 600;

    private Demo() {
    }

    public static int run(KubernetesClient client, PrintStream out) {
        NetworkTopology topology = example();
        String namespace = ServiceModel.namespaceOf(topology);
        String name = topology.getMetadata().getName();
        out.println("== Embedded Kubernetes API: " + client.getMasterUrl());
        out.println("   (the Fabric8 mock server: it stores objects but allocates nothing; this demo plays the API server's");
        out.println("    IP/port allocator, a load balancer controller, an ingress controller, the EndpointSlice controller with");
        out.println("    2 pods per service, two nodes at 192.0.2.11 and 192.0.2.12, and kubeadm's kube-system/coredns ConfigMap)");
        if (client.apiextensions().v1().customResourceDefinitions().withName("networktopologies.networktopology.io").get() == null) {
            EmbeddedKubernetes.installCrd(client);
        }
        playKubeadmsCoreDns(client);
        if (client.namespaces().withName(namespace).get() == null) {
            client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        }
        out.println();
        out.println("$ kubectl apply -f examples/shop.yaml");
        client.resource(topology).create();
        out.println("networktopology.networktopology.io/" + name + " created");

        ApiServerStandIn cluster = new ApiServerStandIn(client, namespace);
        cluster.registerNodes();
        boolean ready = waitFor(() -> {
            cluster.pass(true, 2);
            return isReady(client, namespace, name);
        });
        NetworkTopology result = client.resources(NetworkTopology.class).inNamespace(namespace).withName(name).get();
        out.println();
        out.println("$ kubectl get ntopo -n " + namespace);
        out.print(Tables.topologies(List.of(result), Instant.now()));
        out.println();
        out.println("$ kubectl get services -n " + namespace);
        List<Service> services = client.services().inNamespace(namespace).list().getItems().stream()
                .sorted(Comparator.comparing(s -> s.getMetadata().getName())).toList();
        out.print(Tables.services(services, Instant.now()));
        out.println();
        out.println("$ kubectl get ingresses -n " + namespace);
        out.print(Tables.ingresses(client.network().v1().ingresses().inNamespace(namespace).list().getItems(), Instant.now()));
        out.println();
        out.println("$ kubectl -n kube-system get configmap coredns -o jsonpath='{.data.Corefile}'");
        out.print(client.configMaps().inNamespace("kube-system").withName("coredns").get().getData().get("Corefile"));
        out.println();
        out.println("$ kubectl get pods -n " + namespace + " -l " + io.networktopology.model.ChildLabels.PROBE_RUN
                + " -L " + io.networktopology.model.ChildLabels.PROBE_ROLE + "   # the first probe run");
        out.print(Tables.probePods(client.pods().inNamespace(namespace).withLabel(io.networktopology.model.ChildLabels.PROBE_RUN).list()
                .getItems(), Instant.now()));
        out.println("   (the embedded API has no kubelet: these pods never run here, so ConnectivityVerified stays Unknown");
        out.println("    (ProbesPending), which does not hold Ready back. NetworkLabTest runs the probe program for real in");
        out.println("    network namespaces; see docs/probes.md.)");
        out.println();
        out.println("$ kubectl get ntopo " + name + " -n " + namespace + " -o yaml   # status only");
        out.print("status:\n" + Yaml.print(result.getStatus()).indent(2));
        if (!ready) {
            out.println("demo: the topology did not become Ready");
            return 1;
        }

        out.println();
        out.println("$ kubectl edit service web -n " + namespace + "   # change targetPort 8080 → 9999 by hand");
        client.services().inNamespace(namespace).withName("web").edit(s -> {
            s.getSpec().getPorts().get(0).setTargetPort(new IntOrString(9999));
            return s;
        });
        long start = System.nanoTime();
        boolean reverted = waitFor(() -> {
            Service web = client.services().inNamespace(namespace).withName("web").get();
            return web != null && Integer.valueOf(8080).equals(web.getSpec().getPorts().get(0).getTargetPort().getIntVal());
        });
        out.println(reverted
                ? "the operator put targetPort back to 8080 after " + (System.nanoTime() - start) / 1_000_000 + " ms"
                : "demo: the hand edit was not reverted");
        return reverted ? 0 : 1;
    }

    /** What kubeadm installs: a kube-system/coredns ConfigMap with its default Corefile (unless one is there). */
    static void playKubeadmsCoreDns(KubernetesClient client) {
        if (client.namespaces().withName("kube-system").get() == null) {
            client.resource(new NamespaceBuilder().withNewMetadata().withName("kube-system").endMetadata().build()).create();
        }
        if (client.configMaps().inNamespace("kube-system").withName("coredns").get() == null) {
            try (InputStream in = Demo.class.getResourceAsStream("/corefiles/good/kubeadm.Corefile")) {
                String corefile = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                client.resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("coredns")
                        .withNamespace("kube-system").endMetadata().addToData("Corefile", corefile).build()).create();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static boolean isReady(KubernetesClient client, String namespace, String name) {
        NetworkTopology current = client.resources(NetworkTopology.class).inNamespace(namespace).withName(name).get();
        if (current == null || current.getStatus() == null) {
            return false;
        }
        var ready = ConditionList.find(current.getStatus().getConditions(), Conditions.READY);
        return ready != null && "True".equals(ready.getStatus())
                && current.getMetadata().getGeneration().equals(current.getStatus().getObservedGeneration());
    }

    private static boolean waitFor(BooleanSupplier condition) {
        for (int i = 0; i < MAX_POLLS; i++) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    public static NetworkTopology example() {
        try (InputStream in = Demo.class.getResourceAsStream(EXAMPLE)) {
            if (in == null) {
                throw new IllegalStateException("example not on the classpath: " + EXAMPLE);
            }
            List<TopologyFiles.Document> docs = TopologyFiles.read(EXAMPLE, new InputStreamReader(in, StandardCharsets.UTF_8));
            return TopologyFiles.topology(docs.stream().filter(TopologyFiles.Document::isTopology).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no NetworkTopology in " + EXAMPLE)).data());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TopologyFiles.SyntaxError e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
