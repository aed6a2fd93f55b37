package io.networktopology.demo;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.Operator;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.NetworkTopologySpec;
import io.networktopology.api.v1alpha1.ProbesSpec;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.config.OperatorConfig;
import io.networktopology.dns.DnsSettings;
import io.networktopology.model.ChildLabels;
import io.networktopology.probe.ProbePods;
import io.networktopology.probe.ProbeSettings;
import io.networktopology.reconciler.NetworkTopologyReconciler;
import io.networktopology.reconciler.PlainOperator;
import io.networktopology.status.ConditionList;
import io.networktopology.status.Conditions;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code benchmark --probes --kubeconfig FILE [--topologies N] [--probe-interval 30s] [--intervals K]}: connectivity
 * probes at N topologies on a cluster with real nodes (kubelets that run the probe pods). The operator (the production
 * reconciler under plain JOSDK, in this process, its requests counted by its client) probes N topologies whose Services
 * have real backends; the benchmark prints the time until every topology's first run has reported, then, over K probe
 * intervals of steady state, the probe pods created per minute and the operator's API requests per probe interval, and
 * for every probe pod it saw: created → scheduled → container started → report (from a watch, with this process's
 * clock). Numbers are printed, never asserted.
 */
public final class ProbeBenchmark {

    /** What tools/cluster/images.sh builds and imports into the nodes: probe pods and the backends run it. */
    public static final String DEFAULT_IMAGE = "localhost/network-topology-operator:dev";
    static final String NAMESPACE_PREFIX = "probe-bench-";
    private static final int BACKEND_PORT = 8080;

    private ProbeBenchmark() {
    }

    /** What a run measured, for the caller (a test) to check that it measured something real. */
    public record Result(int topologies, int verified, long runs, long podsCreated, int podsTimed) {
    }

    public static Result run(Path kubeconfig, int topologies, int namespaces, String interval, int intervals, String image, PrintStream out)
            throws Exception {
        int nsCount = Math.min(namespaces, topologies);
        try (Benchmark.Real target = new Benchmark.Real(kubeconfig);
             KubernetesClient driver = target.client(Benchmark.DRIVER_AGENT)) {
            target.installCrd(driver);
            Set<String> benchNamespaces = new TreeSet<>();
            // One configuration for the whole operator: its probe image, and its own CoreDNS owner name.
            OperatorConfig config = OperatorConfig.read(Map.of("networktopology.probes.image", image, "networktopology.dns.owner", "benchmark"), true);
            ProbeSettings settings = ProbeSettings.from(config, null, null);
            try {
                for (int n = 0; n < nsCount; n++) {
                    String ns = Benchmark.createNamespace(driver, NAMESPACE_PREFIX + n);
                    benchNamespaces.add(ns);
                    driver.resource(backend(ns, settings)).create();
                }
                out.printf(Locale.ROOT, "probe benchmark: %d topologies (3 Services each, one echo backend per namespace) in %d namespaces,"
                        + " probes every %s, %s, %d nodes, %d CPUs here; probe image %s%n", topologies, nsCount, interval, target.describe(),
                        driver.nodes().list().getItems().size(), Runtime.getRuntime().availableProcessors(), image);
                for (String ns : benchNamespaces) {
                    driver.apps().deployments().inNamespace(ns).withName("web").waitUntilCondition(d -> d != null && d.getStatus() != null
                            && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas()), 5, java.util.concurrent.TimeUnit.MINUTES);
                }
                return measure(target, driver, benchNamespaces, topologies, nsCount, interval, intervals, config, settings, out);
            } finally {
                for (String ns : benchNamespaces) {
                    driver.namespaces().withName(ns).delete();
                }
                out.println("(the benchmark's namespaces are being deleted)");
            }
        }
    }

    private static Result measure(Benchmark.Real target, KubernetesClient driver, Set<String> namespaces, int topologies, int nsCount,
            String interval, int intervals, OperatorConfig config, ProbeSettings settings, PrintStream out) throws Exception {
        NetworkTopologyReconciler reconciler = new NetworkTopologyReconciler(config, DnsSettings.from(config), settings,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        PodTimes pods = new PodTimes();
        Runs runs = new Runs();
        SharedIndexInformer<Pod> podWatch = driver.pods().inAnyNamespace().withLabel(ChildLabels.PROBE_RUN).inform(pods);
        SharedIndexInformer<NetworkTopology> topologyWatch = driver.resources(NetworkTopology.class).inAnyNamespace()
                .withLabel(Benchmark.LABEL, "true").inform(runs);
        Operator operator = PlainOperator.start(target.client(Benchmark.OPERATOR_AGENT), reconciler, namespaces);
        try {
            target.resetRequestCounts();
            long start = System.nanoTime();
            Benchmark.parallel(topologies, i -> driver.resource(topology(i, nsCount, interval)).create());
            java.time.Duration every = topology(0, 1, interval).getSpec().getProbes().intervalDuration();
            int firstDeadline = (int) Math.max(600, every.toSeconds() * 4 + topologies * 10L);
            Benchmark.waitUntil(() -> runs.topologiesWithRuns(1), topologies, firstDeadline, 200);
            double first = Benchmark.seconds(start, System.nanoTime());
            Map<String, Long> firstRequests = target.requestCounts();
            out.printf(Locale.ROOT, "%n== first runs: every topology's first probe run has reported after %.1f s; %d probe pods created%n",
                    first, firstRequests.getOrDefault("POST pods", 0L));
            Benchmark.printRequests(out, firstRequests);

            target.resetRequestCounts();
            long runsBefore = runs.total();
            long windowStart = System.nanoTime();
            // The window is K more runs of every topology, not K intervals of the clock: a run is due an interval (plus
            // up to a tenth of it) after the last one finished, so a window of exactly K intervals can end before any
            // topology's next run starts (CI saw 0 pods created in it).
            Benchmark.waitUntil(() -> runs.topologiesWithRuns(1 + intervals), topologies,
                    (int) (every.toSeconds() * 3 * intervals + 600), 200);
            double window = Benchmark.seconds(windowStart, System.nanoTime());
            Map<String, Long> steady = target.requestCounts();
            long runsInWindow = runs.total() - runsBefore;
            long started = pods.runsStarted(windowStart, windowStart + (long) (window * 1e9));
            long created = steady.getOrDefault("POST pods", 0L);
            long requests = steady.values().stream().mapToLong(Long::longValue).sum();
            // A probe interval's worth of work: every topology one run.
            double rounds = (double) runsInWindow / topologies;
            out.printf(Locale.ROOT, "%n== steady state over %d probe intervals (%.0f s): %d runs started, %d reported; %d probe pods created,"
                    + " %.1f per minute; %.0f API requests per probe interval (%.1f per topology)%n", intervals, window, started, runsInWindow,
                    created, created / window * 60, requests / rounds, requests / rounds / topologies);
            Benchmark.printRequests(out, steady);

            pods.print(out);
            int verified = runs.verified();
            out.printf(Locale.ROOT, "%nConnectivityVerified=True: %d of %d topologies%s%n", verified, topologies,
                    verified == topologies ? "" : "; a failing one: " + runs.aFailure());
            return new Result(topologies, verified, runsInWindow, created, pods.timed());
        } finally {
            // The topologies go first, so that the operator still removes their finalizers and nothing waits on it.
            for (String ns : namespaces) {
                driver.resources(NetworkTopology.class).inNamespace(ns).withLabel(Benchmark.LABEL, "true").delete();
            }
            try {
                Benchmark.waitUntil(() -> runs.present() == 0 ? 1 : 0, 1, 120, 200);
            } finally {
                operator.stop();
            }
            podWatch.close();
            topologyWatch.close();
        }
    }

    /** One echo server per namespace, from the probe image, behind every topology's Services there. */
    static io.fabric8.kubernetes.api.model.apps.Deployment backend(String namespace, ProbeSettings settings) {
        List<String> command = new ArrayList<>(settings.command());
        command.addAll(List.of("echo", "--port", String.valueOf(BACKEND_PORT)));
        return new DeploymentBuilder().withNewMetadata().withName("web").withNamespace(namespace).endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "bench-web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "bench-web").endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(0L).withEnableServiceLinks(false).addNewContainer().withName("web")
                .withImage(settings.image()).withImagePullPolicy(settings.imagePullPolicy()).withCommand(command)
                .addNewPort().withName("http").withContainerPort(BACKEND_PORT).endPort()
                .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(BACKEND_PORT)).endTcpSocket().withPeriodSeconds(1)
                .endReadinessProbe()
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(settings.runAsUser()).withAllowPrivilegeEscalation(false)
                .endSecurityContext().endContainer().endSpec().endTemplate().endSpec().build();
    }

    /** A ClusterIP, a NodePort (port allocated by the API server) and a headless Service, all on the namespace's backend. */
    static NetworkTopology topology(int i, int namespaces, String interval) {
        ServiceSpec web = Benchmark.service("web-" + i, ServiceType.ClusterIP, 80, BACKEND_PORT);
        ServiceSpec nodes = Benchmark.service("nodes-" + i, ServiceType.NodePort, 8080, BACKEND_PORT);
        ServiceSpec pods = Benchmark.service("pods-" + i, ServiceType.Headless, 8080, BACKEND_PORT);
        for (ServiceSpec s : List.of(web, nodes, pods)) {
            s.setSelector(Map.of("app", "bench-web"));
        }
        NetworkTopology topology = new NetworkTopology();
        topology.getMetadata().setName("t-" + i);
        topology.getMetadata().setNamespace(NAMESPACE_PREFIX + (i % namespaces));
        topology.getMetadata().setLabels(Map.of(Benchmark.LABEL, "true"));
        topology.setSpec(new NetworkTopologySpec());
        topology.getSpec().setServices(List.of(web, nodes, pods));
        ProbesSpec probes = new ProbesSpec();
        probes.setInterval(interval);
        topology.getSpec().setProbes(probes);
        return topology;
    }

    /** Every topology's completed probe runs (distinct status.connectivity.lastRunId values), from a watch. */
    static final class Runs implements ResourceEventHandler<NetworkTopology> {
        private final Map<String, Set<String>> runIds = new ConcurrentHashMap<>();
        private final Map<String, NetworkTopology> latest = new ConcurrentHashMap<>();

        @Override
        public void onAdd(NetworkTopology t) {
            String key = t.getMetadata().getNamespace() + "/" + t.getMetadata().getName();
            latest.put(key, t);
            if (t.getStatus() != null && t.getStatus().getConnectivity() != null && t.getStatus().getConnectivity().getLastRunId() != null) {
                runIds.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(t.getStatus().getConnectivity().getLastRunId());
            }
        }

        @Override
        public void onUpdate(NetworkTopology old, NetworkTopology t) {
            onAdd(t);
        }

        @Override
        public void onDelete(NetworkTopology t, boolean unknown) {
            latest.remove(t.getMetadata().getNamespace() + "/" + t.getMetadata().getName());
        }

        long topologiesWithRuns(int atLeast) {
            return runIds.values().stream().filter(s -> s.size() >= atLeast).count();
        }

        long total() {
            return runIds.values().stream().mapToLong(Set::size).sum();
        }

        int present() {
            return latest.size();
        }

        int verified() {
            return (int) latest.values().stream().filter(t -> "True".equals(condition(t))).count();
        }

        String aFailure() {
            return latest.values().stream().filter(t -> !"True".equals(condition(t))).findFirst()
                    .map(t -> t.getMetadata().getNamespace() + "/" + t.getMetadata().getName() + ": "
                            + (t.getStatus() == null || t.getStatus().getConnectivity() == null ? "no connectivity status"
                            : t.getStatus().getConnectivity().getSummary() + " " + t.getStatus().getConnectivity().getMessage()))
                    .orElse("");
        }

        private static String condition(NetworkTopology t) {
            var c = t.getStatus() == null ? null : ConditionList.find(t.getStatus().getConditions(), Conditions.CONNECTIVITY_VERIFIED);
            return c == null ? null : c.getStatus();
        }
    }

    /**
     * When this process saw each probe pod created, scheduled (a node name), its container running (or already
     * finished), Ready (echo pods) and its probe container terminated (the report is in its termination message).
     */
    static final class PodTimes implements ResourceEventHandler<Pod> {
        private final Map<String, Times> pods = new ConcurrentHashMap<>();

        static final class Times {
            final String role;
            final String run;
            final long created = System.nanoTime();
            volatile long scheduled;
            volatile long started;
            volatile long ready;
            volatile long reported;

            Times(String role, String run) {
                this.role = role;
                this.run = run;
            }
        }

        @Override
        public void onAdd(Pod pod) {
            Times t = pods.computeIfAbsent(pod.getMetadata().getUid(), uid -> new Times(ProbePods.Role.of(pod) == null ? "?"
                    : ProbePods.Role.of(pod).label(), pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getLabels().get(ChildLabels.PROBE_RUN)));
            long now = System.nanoTime();
            if (t.scheduled == 0 && pod.getSpec().getNodeName() != null) {
                t.scheduled = now;
            }
            List<ContainerStatus> statuses = pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? List.of()
                    : pod.getStatus().getContainerStatuses();
            for (ContainerStatus s : statuses) {
                boolean running = s.getState() != null && s.getState().getRunning() != null;
                boolean terminated = s.getState() != null && s.getState().getTerminated() != null;
                if (t.started == 0 && (running || terminated)) {
                    t.started = now;
                }
                if (t.ready == 0 && Boolean.TRUE.equals(s.getReady())) {
                    t.ready = now;
                }
                if (t.reported == 0 && terminated && ProbePods.PROBE_CONTAINER.equals(s.getName())) {
                    t.reported = now;
                }
            }
        }

        @Override
        public void onUpdate(Pod old, Pod pod) {
            onAdd(pod);
        }

        @Override
        public void onDelete(Pod pod, boolean unknown) {
        }

        /** Runs whose first pod this watch saw created in [from, to) (System.nanoTime()). */
        long runsStarted(long from, long to) {
            Map<String, Long> firstPod = new java.util.HashMap<>();
            pods.values().forEach(t -> firstPod.merge(t.run, t.created, Math::min));
            return firstPod.values().stream().filter(c -> c >= from && c < to).count();
        }

        int timed() {
            return (int) pods.values().stream().filter(t -> t.reported != 0 || t.ready != 0).count();
        }

        void print(PrintStream out) {
            Map<String, List<Times>> byRole = pods.values().stream().collect(Collectors.groupingBy(t -> t.role, TreeMap::new, Collectors.toList()));
            out.printf(Locale.ROOT, "%n== probe pods, as a watch here saw them (median / 90th percentile / worst, seconds from creation):%n");
            byRole.forEach((role, times) -> {
                boolean reports = times.stream().anyMatch(t -> t.reported != 0);
                out.printf(Locale.ROOT, "  %-12s %4d pods: scheduled %s; container started %s; %s %s%n", role, times.size(),
                        spread(times, t -> t.scheduled), spread(times, t -> t.started), reports ? "report" : "Ready",
                        spread(times, reports ? t -> t.reported : t -> t.ready));
            });
        }

        private static String spread(Collection<Times> times, Function<Times, Long> at) {
            double[] values = times.stream().filter(t -> at.apply(t) != 0).mapToDouble(t -> (at.apply(t) - t.created) / 1e9).sorted().toArray();
            if (values.length == 0) {
                return "-";
            }
            return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", values[(values.length - 1) / 2],
                    values[(int) Math.ceil(values.length * 0.9) - 1], values[values.length - 1]);
        }
    }
}
