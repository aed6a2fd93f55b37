package io.networktopology.demo;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.networktopology.config.ClientSerialization;
import io.javaoperatorsdk.operator.Operator;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.model.ServiceModel;
import io.networktopology.reconciler.NetworkTopologyReconciler;
import io.networktopology.reconciler.PlainOperator;
import io.networktopology.embedded.EmbeddedKubernetes;
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
 * {@code benchmark [--topologies N] [--namespaces M] [--kubeconfig FILE]}: N topologies of five services each applied
 * to the embedded API, or with {@code --kubeconfig} to a real API server. Prints the time until all are Ready, the
 * operator's API requests by verb and resource, its status writes, the time a plain Fabric8 client needs to create the
 * same Services with as many threads (the floor), the operator's heap and RSS, and then what a full resync by a fresh
 * operator costs when nothing changed (the goal is zero writes) and how long it takes from start to first reconcile.
 * Numbers are printed, never asserted.
 *
 * <p>The operator here is the production reconciler run by plain JOSDK (no Quarkus) so that the resync can be a
 * second, fresh operator instance with empty caches, exactly like an operator restart. On a real API server it
 * watches only the benchmark's namespaces and writes CoreDNS entries (it declares none) only under its own owner
 * name, so another operator's topologies are left alone; the namespaces are deleted at the end.
 */
public final class Benchmark {

    static final String OPERATOR_AGENT = "network-topology-operator/benchmark";

    /** The operator's client reads and writes as the operator's binary does (its Quarkus client): {@link ClientSerialization}. */
    static KubernetesClientBuilder operatorSerialization(KubernetesClientBuilder builder, String agent) {
        return OPERATOR_AGENT.equals(agent) ? builder.withKubernetesSerialization(ClientSerialization.create()) : builder;
    }
    static final String DRIVER_AGENT = "benchmark-driver";
    /** Threads of the driver and of the floor: the same concurrency for both. */
    static final int THREADS = 8;
    /**
     * NodePorts are a cluster-wide range of 2,768 ports, and the floor creates as many again as the operator: beyond this
     * many topologies, admin is a ClusterIP service (at 10,000 with 2,000 the floor ran out: "range is full").
     */
    static final int NODE_PORT_TOPOLOGIES = 1000;
    static final String LABEL = "networktopology.io/benchmark";

    private Benchmark() {
    }

    /** Where the benchmark runs, and how the operator's requests are counted there. */
    interface Target extends AutoCloseable {
        KubernetesClient client(String agent);

        /** The operator's requests since the last reset, keyed "VERB resource" ("PUT networktopologies/status"). */
        Map<String, Long> requestCounts();

        void resetRequestCounts();

        String describe();

        void installCrd(KubernetesClient client) throws InterruptedException;

        /** The environment that points the operator's binary at this API. */
        Map<String, String> operatorEnvironment();

        boolean real();

        @Override
        void close();
    }

    public static int run(int topologies, int namespaces, PrintStream out) throws Exception {
        return run(topologies, namespaces, null, out);
    }

    public static int run(int topologies, int namespaces, java.nio.file.Path kubeconfig, PrintStream out) throws Exception {
        try (Target target = kubeconfig == null ? new Embedded() : new Real(kubeconfig);
             KubernetesClient driver = target.client(DRIVER_AGENT);
             KubernetesClient operatorClient = target.client(OPERATOR_AGENT)) {
            target.installCrd(driver);
            java.util.Set<String> benchNamespaces = new java.util.TreeSet<>();
            for (int n = 0; n < namespaces; n++) {
                benchNamespaces.add(createNamespace(driver, "bench-" + n));
            }
            out.printf(Locale.ROOT, "benchmark: %d topologies x 5 services in %d namespaces, %s, %d CPUs%n",
                    topologies, namespaces, target.describe(), Runtime.getRuntime().availableProcessors());
            try {
                return measure(target, driver, operatorClient, topologies, namespaces, benchNamespaces, out);
            } finally {
                if (target.real()) {
                    for (String ns : new ArrayList<>(benchNamespaces)) {
                        driver.namespaces().withName(ns).delete();
                        driver.namespaces().withName(ns.replace("bench-", "floor-")).delete();
                    }
                    out.println("(the benchmark's namespaces are being deleted)");
                }
            }
        }
    }

    private static int measure(Target target, KubernetesClient driver, KubernetesClient operatorClient, int topologies, int namespaces,
            java.util.Set<String> benchNamespaces, PrintStream out) throws Exception {
        NetworkTopologyReconciler reconciler = reconciler();
        Operator operator = PlainOperator.start(operatorClient, reconciler, target.real() ? benchNamespaces : null);
        target.resetRequestCounts();

        // Readiness is counted from a watch, not by listing every topology again and again: at 10,000 topologies those
        // lists kept the API server busy serializing them, and the benchmark measured itself.
        java.util.concurrent.ConcurrentHashMap<String, Boolean> readiness = new java.util.concurrent.ConcurrentHashMap<>();
        var informer = driver.resources(NetworkTopology.class).inAnyNamespace().withLabel(LABEL, "true").inform(
                new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
                    @Override
                    public void onAdd(NetworkTopology t) {
                        readiness.put(t.getMetadata().getNamespace() + "/" + t.getMetadata().getName(), isReady(t));
                    }

                    @Override
                    public void onUpdate(NetworkTopology old, NetworkTopology t) {
                        onAdd(t);
                    }

                    @Override
                    public void onDelete(NetworkTopology t, boolean unknown) {
                        readiness.remove(t.getMetadata().getNamespace() + "/" + t.getMetadata().getName());
                    }
                });
        LongSupplier readyCount = () -> readiness.values().stream().filter(Boolean::booleanValue).count();
        long start = System.nanoTime();
        parallel(topologies, i -> driver.resource(topology(i, namespaces)).create());
        long applied = System.nanoTime();
        waitUntil(readyCount, topologies, target.real() ? 3600 : 600, 100);
        long ready = System.nanoTime();
        informer.close();
        Map<String, Long> requests = target.requestCounts();
        out.printf(Locale.ROOT, "%n== apply: all %d topologies Ready in %.2f s (creating them took %.2f s)%n",
                topologies, seconds(start, ready), seconds(start, applied));
        printRequests(out, requests);
        long statusWrites = requests.getOrDefault("PUT networktopologies/status", 0L) + requests.getOrDefault("PATCH networktopologies/status", 0L);
        long writes = requests.entrySet().stream().filter(e -> EmbeddedKubernetes.isWrite(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        out.printf(Locale.ROOT, "status writes: %d for %d topologies (%.2f per topology); all writes %.2f per topology; reconciles: %d%n",
                statusWrites, topologies, statusWrites / (double) topologies, writes / (double) topologies, reconciler.reconciles());
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        out.printf(Locale.ROOT, "operator process at %d topologies: heap used %d MB after GC, RSS %s (the benchmark's driver shares it)%n",
                topologies, (runtime.totalMemory() - runtime.freeMemory()) >> 20, rss());

        List<Service> floorServices = new ArrayList<>();
        for (int i = 0; i < topologies; i++) {
            NetworkTopology t = topology(i, namespaces);
            t.getMetadata().setNamespace("floor-" + (i % namespaces));
            floorServices.addAll(ServiceModel.desiredServices(t));
        }
        for (int n = 0; n < namespaces; n++) {
            createNamespace(driver, "floor-" + n);
        }
        long floorStart = System.nanoTime();
        parallel(floorServices.size(), i -> driver.resource(floorServices.get(i)).create());
        double floor = seconds(floorStart, System.nanoTime());
        out.printf(Locale.ROOT, "%n== floor: a plain Fabric8 client (%d threads) creates the same %d Services in %.2f s; operator/floor = %.2fx"
                + " (goal: at most 1.2x)%n", THREADS, floorServices.size(), floor, seconds(start, ready) / floor);

        operator.stop();
        NetworkTopologyReconciler fresh = reconciler();
        // JOSDK closes its client on stop; the restarted operator gets its own, as a restarted process would.
        KubernetesClient restartedClient = target.client(OPERATOR_AGENT);
        Operator restarted = PlainOperator.of(restartedClient, fresh, target.real() ? benchNamespaces : null);
        target.resetRequestCounts();
        long resyncStart = System.nanoTime();
        restarted.start();
        waitUntil(fresh::reconciles, 1, 600, 10);
        double firstReconcile = seconds(resyncStart, System.nanoTime());
        waitUntil(fresh::reconciles, topologies, target.real() ? 3600 : 600, 100);
        double resync = seconds(resyncStart, System.nanoTime());
        quiet(fresh::reconciles);
        Map<String, Long> resyncRequests = target.requestCounts();
        long resyncWrites = resyncRequests.entrySet().stream().filter(e -> EmbeddedKubernetes.isWrite(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
        out.printf(Locale.ROOT, "%n== resync with nothing changed (a fresh operator instance): start to first reconcile %.2f s (goal: at most 2 s);"
                + " %d reconciles in %.2f s, %d writes (goal: 0)%n", firstReconcile, fresh.reconciles(), resync, resyncWrites);
        printRequests(out, resyncRequests);
        measureDns(target, driver, fresh, topologies, namespaces, out);
        restarted.stop();
        measureOperatorBinary(target, topologies, benchNamespaces, out);
        return 0;
    }

    /** The operator's own binary, as its image runs it (one JVM, nothing else in it). */
    static final java.nio.file.Path OPERATOR_JAR = java.nio.file.Path.of("target/quarkus-app/quarkus-run.jar");

    /**
     * The operator's binary started against the same N topologies (nothing changed since): its start to first
     * reconcile, the time until every topology is reconciled, and then its heap after a GC (the JVM's own metrics) and
     * its resident set (/proc) — the operator alone, unlike the figures above, whose process holds the driver too.
     */
    private static void measureOperatorBinary(Target target, int topologies, java.util.Set<String> namespaces, PrintStream out) throws Exception {
        if (!java.nio.file.Files.isRegularFile(OPERATOR_JAR)) {
            out.printf("%n== the operator's binary: skipped, %s is not built%n", OPERATOR_JAR);
            return;
        }
        int port = io.networktopology.controlplane.ControlPlane.freePort();
        java.nio.file.Path log = java.nio.file.Files.createTempFile("benchmark-operator", ".log");
        // The image's JVM flags (tools/cluster/images.sh), and the memory limit of the operator's Deployment (config/manager:
        // 512Mi) as a container would show it to the JVM.
        List<String> command = new ArrayList<>(List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:MaxRAM=512m", "-XX:MaxRAMPercentage=75"));
        String extra = System.getenv("BENCHMARK_OPERATOR_JAVA_OPTS"); // to compare JVM flags (they are printed)
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", OPERATOR_JAR.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(target.operatorEnvironment());
        builder.environment().putAll(Map.of("QUARKUS_HTTP_PORT", String.valueOf(port), "QUARKUS_LOG_LEVEL", "WARN",
                "NETWORKTOPOLOGY_PROBES_ENABLED", "false", "NETWORKTOPOLOGY_DNS_NAMESPACE", DNS_NAMESPACE, "NETWORKTOPOLOGY_DNS_OWNER", "benchmark"));
        if (target.real()) {
            builder.environment().put("QUARKUS_OPERATOR_SDK_CONTROLLERS_NETWORKTOPOLOGY_NAMESPACES", String.join(",", namespaces));
        }
        long start = System.nanoTime();
        Process operator = builder.start();
        try {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.URI metrics = java.net.URI.create("http://127.0.0.1:" + port + "/q/metrics");
            LongSupplier reconciles = () -> (long) metric(http, metrics, "networktopology_reconciles_total");
            waitUntil(reconciles, 1, 600, 20);
            double first = seconds(start, System.nanoTime());
            waitUntil(reconciles, topologies, target.real() ? 3600 : 600, 200);
            double all = seconds(start, System.nanoTime());
            quiet(reconciles);
            java.nio.file.Path jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd");
            if (java.nio.file.Files.isExecutable(jcmd)) {
                new ProcessBuilder(jcmd.toString(), String.valueOf(operator.pid()), "GC.run").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectErrorStream(true).start().waitFor();
            }
            double heap = metric(http, metrics, "jvm_memory_used_bytes{area=\"heap\"");
            double heapCommitted = metric(http, metrics, "jvm_memory_committed_bytes{area=\"heap\"");
            double nonHeap = metric(http, metrics, "jvm_memory_committed_bytes{area=\"nonheap\"");
            out.printf(Locale.ROOT, "%n== the operator's binary (%s, as its image runs it, in its Deployment's 512 MiB%s) started against the %d topologies: start to first"
                    + " reconcile %.2f s (goal: at most 2 s), all %d reconciled after %.2f s; heap used %d MB after GC (committed %d MB),"
                    + " non-heap committed %d MB; RSS %s, peak %s (goal: RSS at most 400 MB at 10,000)%n", OPERATOR_JAR,
                    extra == null || extra.isBlank() ? "" : ", with " + extra.trim(), topologies, first,
                    (long) metric(http, metrics, "networktopology_reconciles_total"), all, (long) heap >> 20, (long) heapCommitted >> 20,
                    (long) nonHeap >> 20, megabytes(procStatusKb(String.valueOf(operator.pid()), "VmRSS")), megabytes(procStatusKb(String.valueOf(operator.pid()), "VmHWM")));
        } catch (RuntimeException | InterruptedException e) {
            out.printf("%n== the operator's binary: %s (its log: %s)%n", e.getMessage(), log);
            throw e;
        } finally {
            operator.destroy();
            operator.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        java.nio.file.Files.deleteIfExists(log);
    }

    /** The sum of a Prometheus series' samples whose line starts with {@code prefix} (0 while the endpoint is not up). */
    private static double metric(java.net.http.HttpClient http, java.net.URI uri, String prefix) {
        try {
            String text = http.send(java.net.http.HttpRequest.newBuilder(uri).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            return text.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (java.io.IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** A size field of /proc/PID/status ("self": this process) in KB, or -1 when it cannot be read (not Linux, or gone). */
    static long procStatusKb(String pid, String field) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", pid, "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // not Linux, or gone
        }
        return -1;
    }

    private static String megabytes(long kb) {
        return kb < 0 ? "?" : (kb >> 10) + " MB";
    }

    /**
     * DNS at N topologies, in a Corefile of the benchmark's own (a ConfigMap in its first namespace; a cluster's
     * CoreDNS is never touched): every topology gets an alias, then one alias is renamed. The rename's cost is what
     * one DNS change costs with N DNS topologies present.
     */
    private static void measureDns(Target target, KubernetesClient driver, NetworkTopologyReconciler reconciler, int topologies,
            int namespaces, PrintStream out) throws Exception {
        driver.resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("coredns")
                .withNamespace(DNS_NAMESPACE).endMetadata().addToData("Corefile", COREFILE).build()).create();
        java.util.function.Supplier<String> corefile = () -> driver.configMaps().inNamespace(DNS_NAMESPACE).withName("coredns").get()
                .getData().get("Corefile");
        target.resetRequestCounts();
        long start = System.nanoTime();
        parallel(topologies, i -> driver.resources(NetworkTopology.class).inNamespace("bench-" + (i % namespaces)).withName("t-" + i)
                .edit(t -> {
                    var dns = new io.networktopology.api.v1alpha1.DnsSpec();
                    dns.setAliases(new ArrayList<>(List.of(new io.networktopology.api.v1alpha1.DnsSpec.Alias(alias(i, namespaces), "web-" + i))));
                    t.getSpec().setDns(dns);
                    return t;
                }));
        waitUntil(() -> corefile.get().split("rewrite stop name exact ", -1).length - 1, topologies, target.real() ? 3600 : 600, 500);
        double all = seconds(start, System.nanoTime());
        quiet(reconciler::reconciles);
        out.printf(Locale.ROOT, "%n== DNS: an alias added to each of the %d topologies; the Corefile holds all of them after %.2f s%n", topologies, all);
        printRequests(out, target.requestCounts());

        // What reconciles while nothing changes (the controller manager still creating EndpointSlices, informers'
        // events of the phase before), so that the change's own can be told apart.
        long backgroundStart = System.nanoTime();
        long backgroundBefore = reconciler.reconciles();
        Thread.sleep(3000);
        double background = (reconciler.reconciles() - backgroundBefore) / seconds(backgroundStart, System.nanoTime());
        target.resetRequestCounts();
        long reconcilesBefore = reconciler.reconciles();
        long renameStart = System.nanoTime();
        driver.resources(NetworkTopology.class).inNamespace("bench-0").withName("t-0").edit(t -> {
            t.getSpec().getDns().getAliases().get(0).setName("renamed." + alias(0, namespaces));
            return t;
        });
        waitUntil(() -> corefile.get().contains("renamed." + alias(0, namespaces)) ? 1 : 0, 1, 600, 20);
        double rename = seconds(renameStart, System.nanoTime());
        quiet(reconciler::reconciles);
        double window = seconds(renameStart, System.nanoTime());
        Map<String, Long> requests = target.requestCounts();
        out.printf(Locale.ROOT, "%n== one DNS change with %d DNS topologies present: in the Corefile after %.2f s; %d reconciles in the"
                + " %.1f s until they stopped (%.1f a second before the change, with nothing changing); ConfigMap reads %d, writes %d"
                + " (goal: the same at N = 10 and N = 1,000)%n", topologies, rename, reconciler.reconciles() - reconcilesBefore, window, background,
                requests.getOrDefault("GET configmaps", 0L), requests.getOrDefault("PUT configmaps", 0L));
        printRequests(out, requests);
    }

    private static String alias(int i, int namespaces) {
        return "t-" + i + ".bench-" + (i % namespaces) + ".internal";
    }

    /** The benchmark's own CoreDNS configuration lives here (the cluster's is never touched). */
    static final String DNS_NAMESPACE = "bench-0";
    static final String COREFILE = ".:53 {\n    errors\n    health\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n"
            + "       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n    }\n    forward . /etc/resolv.conf\n    cache 30\n"
            + "    loop\n    reload\n}\n";

    /**
     * The production reconciler, probes off (no kubelet needed), its DNS entries in the benchmark's own Corefile
     * ({@link #DNS_NAMESPACE}), under its own owner.
     */
    private static NetworkTopologyReconciler reconciler() {
        return new NetworkTopologyReconciler("cluster.local", io.networktopology.dns.DnsSettings.from(io.networktopology.config.OperatorConfig.read(
                Map.of("networktopology.dns.namespace", DNS_NAMESPACE, "networktopology.dns.owner", "benchmark"), false)),
                io.networktopology.probe.ProbeSettings.defaults("cluster.local").withEnabled(false),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    static String createNamespace(KubernetesClient driver, String name) {
        driver.resource(new NamespaceBuilder().withNewMetadata().withName(name).addToLabels(LABEL, "true").endMetadata().build()).create();
        return name;
    }

    /** The resident set of this process, from /proc (Linux). */
    private static String rss() {
        return megabytes(procStatusKb("self", "VmRSS"));
    }

    /** The Fabric8 mock in CRUD mode, in this process; requests counted by the server. */
    static final class Embedded implements Target {
        private final EmbeddedKubernetes api = EmbeddedKubernetes.start(OPERATOR_AGENT);

        @Override
        public KubernetesClient client(String agent) {
            Config config = new ConfigBuilder(Config.empty()).withMasterUrl(api.url()).withTrustCerts(true)
                    .withUserAgent(agent).withRequestTimeout(60_000).build();
            return operatorSerialization(new KubernetesClientBuilder().withConfig(config), agent).build();
        }

        @Override
        public Map<String, Long> requestCounts() {
            return api.requestCounts();
        }

        @Override
        public void resetRequestCounts() {
            api.resetRequestCounts();
        }

        @Override
        public String describe() {
            return "embedded API (Fabric8 mock, CRUD mode)";
        }

        @Override
        public Map<String, String> operatorEnvironment() {
            return Map.of("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", api.url(), "QUARKUS_KUBERNETES_CLIENT_TRUST_CERTS", "true");
        }

        @Override
        public void installCrd(KubernetesClient client) {
            EmbeddedKubernetes.installCrd(client);
        }

        @Override
        public boolean real() {
            return false;
        }

        @Override
        public void close() {
            api.close();
        }
    }

    /** A real API server from a kubeconfig; the operator's requests counted as its client sends them. */
    static final class Real implements Target {
        private final String kubeconfig;
        private final java.nio.file.Path file;
        private final Map<String, Long> counts = new java.util.concurrent.ConcurrentSkipListMap<>();
        private final String server;
        private String token;

        Real(java.nio.file.Path file) throws java.io.IOException {
            this.kubeconfig = java.nio.file.Files.readString(file);
            this.file = file.toAbsolutePath();
            // The server of the current context, read from the file itself: Fabric8 lets system properties such as
            // kubernetes.master (set by an embedded test API in the same JVM) override what a kubeconfig says.
            com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(kubeconfig);
            String context = root.path("current-context").asText();
            String cluster = "";
            String user = "";
            for (com.fasterxml.jackson.databind.JsonNode c : root.path("contexts")) {
                if (context.equals(c.path("name").asText())) {
                    cluster = c.path("context").path("cluster").asText();
                    user = c.path("context").path("user").asText();
                }
            }
            for (com.fasterxml.jackson.databind.JsonNode u : root.path("users")) {
                if (user.equals(u.path("name").asText()) && u.path("user").hasNonNull("token")) {
                    token = u.path("user").path("token").asText();
                }
            }
            String url = null;
            for (com.fasterxml.jackson.databind.JsonNode c : root.path("clusters")) {
                if (cluster.equals(c.path("name").asText())) {
                    url = c.path("cluster").path("server").asText();
                }
            }
            if (url == null || url.isEmpty()) {
                throw new IllegalArgumentException(file + ": no server for the current context \"" + context + "\"");
            }
            this.server = url;
        }

        @Override
        public KubernetesClient client(String agent) {
            // Credentials from the kubeconfig, into an empty configuration: nothing of the JVM's system properties.
            Config parsed = Config.fromKubeconfig(null, kubeconfig, null);
            Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server)
                    .withCaCertData(parsed.getCaCertData()).withCaCertFile(parsed.getCaCertFile())
                    .withClientCertData(parsed.getClientCertData()).withClientCertFile(parsed.getClientCertFile())
                    .withClientKeyData(parsed.getClientKeyData()).withClientKeyFile(parsed.getClientKeyFile())
                    .withOauthToken(token != null ? token : parsed.getOauthToken()).withUsername(parsed.getUsername()).withPassword(parsed.getPassword())
                    .withTrustCerts(parsed.isTrustCerts()).withNamespace("default")
                    .withUserAgent(agent).withRequestTimeout(60_000).build();
            KubernetesClientBuilder builder = operatorSerialization(new KubernetesClientBuilder().withConfig(config), agent);
            if (OPERATOR_AGENT.equals(agent)) {
                builder.withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("benchmark-counter", new io.fabric8.kubernetes.client.http.Interceptor() {
                    @Override
                    public void before(io.fabric8.kubernetes.client.http.BasicBuilder request, io.fabric8.kubernetes.client.http.HttpRequest sent,
                            RequestTags tags) {
                        String query = sent.uri().getRawQuery();
                        counts.merge(EmbeddedKubernetes.requestKey(sent.method(), sent.uri().getRawPath() + (query == null ? "" : "?" + query)),
                                1L, Long::sum);
                    }
                }));
            }
            return builder.build();
        }

        @Override
        public Map<String, Long> requestCounts() {
            return new java.util.TreeMap<>(counts);
        }

        @Override
        public void resetRequestCounts() {
            counts.clear();
        }

        @Override
        public String describe() {
            return "real API server " + server;
        }

        @Override
        public Map<String, String> operatorEnvironment() {
            return Map.of("KUBECONFIG", file.toString());
        }

        @Override
        public void installCrd(KubernetesClient client) throws InterruptedException {
            String name = "networktopologies.networktopology.io";
            if (client.apiextensions().v1().customResourceDefinitions().withName(name).get() == null) {
                EmbeddedKubernetes.installCrd(client);
            }
            // A control plane that has just started may take a while to establish a new CRD (seen: more than 30 s on a
            // loaded 2-CPU machine while the API server still initialised).
            long deadline = System.nanoTime() + 180_000_000_000L;
            var crd = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
            while (System.nanoTime() < deadline) {
                crd = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
                if (crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null && crd.getStatus().getConditions().stream()
                        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()))) {
                    return;
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("the CRD " + name + " did not become Established in 180 s; its conditions: "
                    + (crd == null || crd.getStatus() == null ? "none" : crd.getStatus().getConditions()));
        }

        @Override
        public boolean real() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    static NetworkTopology topology(int i, int namespaces) {
        ServiceSpec web = service("web-" + i, ServiceType.ClusterIP, 80, 8080);
        ServiceSpec api = service("api-" + i, ServiceType.ClusterIP, 8080, 8080);
        ServiceSpec db = service("db-" + i, ServiceType.Headless, 5432, 5432);
        ServiceSpec admin = service("admin-" + i, i < NODE_PORT_TOPOLOGIES ? ServiceType.NodePort : ServiceType.ClusterIP, 8081, 8081);
        ServiceSpec ext = new ServiceSpec();
        ext.setName("ext-" + i);
        ext.setType(ServiceType.ExternalName);
        ext.setExternalName("ext-" + i + ".example.com");
        NetworkTopology topology = new NetworkTopology();
        topology.getMetadata().setName("t-" + i);
        topology.getMetadata().setNamespace("bench-" + (i % namespaces));
        topology.getMetadata().setLabels(Map.of(LABEL, "true"));
        topology.setSpec(new io.networktopology.api.v1alpha1.NetworkTopologySpec());
        topology.getSpec().setServices(List.of(web, api, db, admin, ext));
        return topology;
    }

    static ServiceSpec service(String name, ServiceType type, int port, int target) {
        ServiceSpec spec = new ServiceSpec();
        spec.setName(name);
        spec.setType(type);
        spec.setSelector(Map.of("app", name));
        spec.setPorts(List.of(new io.networktopology.api.v1alpha1.ServicePortSpec("p", port, new io.fabric8.kubernetes.api.model.IntOrString(target))));
        return spec;
    }

    static boolean isReady(NetworkTopology t) {
        if (t.getStatus() == null || !t.getMetadata().getGeneration().equals(t.getStatus().getObservedGeneration())) {
            return false;
        }
        var ready = ConditionList.find(t.getStatus().getConditions(), Conditions.READY);
        return ready != null && "True".equals(ready.getStatus());
    }

    static void waitUntil(LongSupplier count, long target, int maxSeconds, int pollMs) throws InterruptedException {
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        while (count.getAsLong() < target && System.nanoTime() < deadline) {
            Thread.sleep(pollMs);
        }
        if (count.getAsLong() < target) {
            throw new IllegalStateException("only " + count.getAsLong() + " of " + target + " after " + maxSeconds + " s");
        }
    }

    /** Waits until the counter stops moving for a second (bounded), so late writes would be counted. */
    static void quiet(LongSupplier count) throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 30 && count.getAsLong() != last; i++) {
            last = count.getAsLong();
            Thread.sleep(1000);
        }
    }

    static void parallel(int n, java.util.function.IntConsumer task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
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

    static void printRequests(PrintStream out, Map<String, Long> requests) {
        out.println("operator API requests (verb resource: count):");
        requests.forEach((k, v) -> out.printf(Locale.ROOT, "  %-40s %8d%n", k, v));
        long writes = requests.entrySet().stream().filter(e -> EmbeddedKubernetes.isWrite(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        out.printf(Locale.ROOT, "  %-40s %8d%n", "(all writes)", writes);
    }

    static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }

}
