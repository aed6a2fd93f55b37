package io.networktopology.cli;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.networktopology.api.NetworkTopology;
import io.networktopology.api.ServiceSpec;
import io.networktopology.api.ServiceType;
import io.networktopology.model.ServiceModel;
import io.networktopology.reconciler.NetworkTopologyReconciler;
import io.networktopology.status.ConditionList;
import io.networktopology.status.Conditions;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;

/**
 * {@code benchmark [--topologies N] [--namespaces M]}: N topologies of five services each applied to the embedded
 * API. Prints the time until all are Ready, the operator's API requests by verb and resource, its status writes,
 * the time a plain Fabric8 loop needs to create the same Services (the floor), and then the writes a full resync
 * makes when nothing changed (the goal is zero). Numbers are printed, never asserted.
 *
 * <p>The operator here is the production reconciler run by plain JOSDK (no Quarkus) so that the resync can be a
 * second, fresh operator instance with empty caches, exactly like an operator restart.
 */
public final class Benchmark {

    private static final String OPERATOR_AGENT = "network-topology-operator/benchmark";
    private static final String DRIVER_AGENT = "benchmark-driver";

    private Benchmark() {
    }

    public static int run(int topologies, int namespaces, PrintStream out) throws Exception {
        try (EmbeddedKubernetes api = EmbeddedKubernetes.start(OPERATOR_AGENT);
             KubernetesClient driver = client(api, DRIVER_AGENT);
             KubernetesClient operatorClient = client(api, OPERATOR_AGENT)) {
            EmbeddedKubernetes.installCrd(driver);
            for (int n = 0; n < namespaces; n++) {
                driver.resource(new NamespaceBuilder().withNewMetadata().withName("bench-" + n).endMetadata().build()).create();
            }
            out.printf(Locale.ROOT, "benchmark: %d topologies x 5 services in %d namespaces, embedded API (Fabric8 mock, CRUD mode), %d CPUs%n",
                    topologies, namespaces, Runtime.getRuntime().availableProcessors());

            NetworkTopologyReconciler reconciler = new NetworkTopologyReconciler("cluster.local");
            Operator operator = io.networktopology.reconciler.PlainOperator.start(operatorClient, reconciler);
            api.resetRequestCounts();

            long start = System.nanoTime();
            parallel(topologies, i -> driver.resource(topology(i, namespaces)).create());
            long applied = System.nanoTime();
            waitUntil(() -> readyCount(driver), topologies, 600);
            long ready = System.nanoTime();
            Map<String, Long> requests = api.requestCounts();
            out.printf(Locale.ROOT, "%n== apply: all %d topologies Ready in %.2f s (creating them took %.2f s)%n",
                    topologies, seconds(start, ready), seconds(start, applied));
            printRequests(out, requests);
            out.printf(Locale.ROOT, "status writes: %d for %d topologies (%.2f per topology); reconciles: %d%n",
                    requests.getOrDefault("PUT networktopologies/status", 0L), topologies,
                    requests.getOrDefault("PUT networktopologies/status", 0L) / (double) topologies, reconciler.reconciles());

            List<Service> floorServices = new ArrayList<>();
            for (int i = 0; i < topologies; i++) {
                NetworkTopology t = topology(i, namespaces);
                t.getMetadata().setNamespace("floor-" + (i % namespaces));
                floorServices.addAll(ServiceModel.desiredServices(t));
            }
            for (int n = 0; n < namespaces; n++) {
                driver.resource(new NamespaceBuilder().withNewMetadata().withName("floor-" + n).endMetadata().build()).create();
            }
            long floorStart = System.nanoTime();
            for (Service service : floorServices) {
                driver.resource(service).create();
            }
            double floor = seconds(floorStart, System.nanoTime());
            out.printf(Locale.ROOT, "%n== floor: a plain Fabric8 loop creates the same %d Services in %.2f s; operator/floor = %.1fx%n",
                    floorServices.size(), floor, seconds(start, ready) / floor);

            operator.stop();
            NetworkTopologyReconciler fresh = new NetworkTopologyReconciler("cluster.local");
            // JOSDK closes its client on stop; the restarted operator gets its own, as a restarted process would.
            KubernetesClient restartedClient = client(api, OPERATOR_AGENT);
            Operator restarted = io.networktopology.reconciler.PlainOperator.of(restartedClient, fresh);
            api.resetRequestCounts();
            long resyncStart = System.nanoTime();
            restarted.start();
            waitUntil(fresh::reconciles, topologies, 600);
            double resync = seconds(resyncStart, System.nanoTime());
            quiet(fresh::reconciles);
            Map<String, Long> resyncRequests = api.requestCounts();
            long writes = resyncRequests.entrySet().stream().filter(e -> EmbeddedKubernetes.isWrite(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum();
            out.printf(Locale.ROOT, "%n== resync with nothing changed (a fresh operator instance): %d reconciles in %.2f s, %d writes%n",
                    fresh.reconciles(), resync, writes);
            printRequests(out, resyncRequests);
            restarted.stop();
            return 0;
        }
    }

    static NetworkTopology topology(int i, int namespaces) {
        ServiceSpec web = service("web-" + i, ServiceType.ClusterIP, 80, 8080);
        ServiceSpec api = service("api-" + i, ServiceType.ClusterIP, 8080, 8080);
        ServiceSpec db = service("db-" + i, ServiceType.Headless, 5432, 5432);
        ServiceSpec admin = service("admin-" + i, ServiceType.NodePort, 8081, 8081);
        ServiceSpec ext = new ServiceSpec();
        ext.setName("ext-" + i);
        ext.setType(ServiceType.ExternalName);
        ext.setExternalName("ext-" + i + ".example.com");
        NetworkTopology topology = new NetworkTopology();
        topology.getMetadata().setName("t-" + i);
        topology.getMetadata().setNamespace("bench-" + (i % namespaces));
        topology.setSpec(new io.networktopology.api.NetworkTopologySpec());
        topology.getSpec().setServices(List.of(web, api, db, admin, ext));
        return topology;
    }

    private static ServiceSpec service(String name, ServiceType type, int port, int target) {
        ServiceSpec spec = new ServiceSpec();
        spec.setName(name);
        spec.setType(type);
        spec.setSelector(Map.of("app", name));
        spec.setPorts(List.of(new io.networktopology.api.ServicePortSpec("p", port, new io.fabric8.kubernetes.api.model.IntOrString(target))));
        return spec;
    }

    private static long readyCount(KubernetesClient client) {
        return client.resources(NetworkTopology.class).inAnyNamespace().list().getItems().stream().filter(t -> {
            if (t.getStatus() == null || !t.getMetadata().getGeneration().equals(t.getStatus().getObservedGeneration())) {
                return false;
            }
            var ready = ConditionList.find(t.getStatus().getConditions(), Conditions.READY);
            return ready != null && "True".equals(ready.getStatus());
        }).count();
    }

    private static void waitUntil(LongSupplier count, long target, int maxSeconds) throws InterruptedException {
        for (int i = 0; i < maxSeconds * 10 && count.getAsLong() < target; i++) {
            Thread.sleep(100);
        }
        if (count.getAsLong() < target) {
            throw new IllegalStateException("only " + count.getAsLong() + " of " + target + " after " + maxSeconds + " s");
        }
    }

    /** Waits until the counter stops moving for a second (bounded), so late writes would be counted. */
    private static void quiet(LongSupplier count) throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 30 && count.getAsLong() != last; i++) {
            last = count.getAsLong();
            Thread.sleep(1000);
        }
    }

    private static void parallel(int n, java.util.function.IntConsumer task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> task.accept(index)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static void printRequests(PrintStream out, Map<String, Long> requests) {
        out.println("operator API requests (verb resource: count):");
        requests.forEach((k, v) -> out.printf(Locale.ROOT, "  %-40s %8d%n", k, v));
        long writes = requests.entrySet().stream().filter(e -> EmbeddedKubernetes.isWrite(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        out.printf(Locale.ROOT, "  %-40s %8d%n", "(all writes)", writes);
    }

    private static KubernetesClient client(EmbeddedKubernetes api, String agent) {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(api.url()).withTrustCerts(true)
                .withUserAgent(agent).withRequestTimeout(60_000).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }

}
