package io.networktopology.controlplane;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.networktopology.config.ClientSerialization;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver and kube-controller-manager built from Go modules
 * by {@code tools/control-plane/build.sh}, on free ports, with throwaway certificates and a static admin token. Also
 * starts CoreDNS on demand. {@link #close()} stops everything and removes the temp dir; a shutdown hook does the same
 * if the JVM dies first.
 */
public final class ControlPlane implements AutoCloseable {

    private final Path binDir;
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    /** What each named process was started with, and its current process: for stopping and starting one again. */
    private final java.util.Map<String, String[]> commands = new java.util.LinkedHashMap<>();
    private final java.util.Map<String, Process> byName = new java.util.LinkedHashMap<>();
    private final java.util.Map<String, String> healthUrls = new java.util.LinkedHashMap<>();
    private final Thread shutdownHook = new Thread(this::stopAll);
    private String apiServer;
    private String token;
    private Path kubeconfig;
    private long startupMillis;

    private ControlPlane(Path binDir) throws IOException {
        this.binDir = binDir;
        this.dir = Files.createTempDirectory("nto-control-plane-");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Builds (or finds in the cache) the binaries: the last line build.sh prints is the bin dir. */
    public static Path binaries() throws IOException, InterruptedException {
        String override = System.getProperty("nto.control-plane.bin", System.getenv("NTO_CONTROL_PLANE_BIN"));
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        Process build = new ProcessBuilder("bash", "tools/control-plane/build.sh")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (build.waitFor() != 0) {
            throw new IllegalStateException("tools/control-plane/build.sh failed: " + out);
        }
        String[] lines = out.strip().split("\n");
        return Path.of(lines[lines.length - 1].strip());
    }

    public static ControlPlane start(Path binDir) throws Exception {
        ControlPlane plane = new ControlPlane(binDir);
        try {
            plane.startAll();
            return plane;
        } catch (Exception e) {
            plane.dumpLogs();
            plane.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        long t0 = System.nanoTime();
        Path pki = Files.createDirectories(dir.resolve("pki"));
        run(pki, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1",
                "-subj", "/CN=nto-test-ca");
        run(pki, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "apiserver.key", "-out", "apiserver.csr",
                "-subj", "/CN=kube-apiserver");
        Files.writeString(pki.resolve("apiserver.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,"
                + "DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1\n"
                + "extendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n");
        run(pki, "openssl", "x509", "-req", "-in", "apiserver.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "apiserver.crt", "-days", "1", "-extfile", "apiserver.ext");
        run(pki, "openssl", "genrsa", "-out", "sa.key", "2048");
        run(pki, "openssl", "rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub");
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        token = "nto-" + HexFormat.of().formatHex(random);
        Files.writeString(pki.resolve("tokens.csv"), token + ",nto-admin,nto-admin-uid,\"system:masters\"\n");

        int etcdClient = freePort();
        int etcdPeer = freePort();
        int apiPort = freePort();
        int kcmPort = freePort();
        apiServer = "https://127.0.0.1:" + apiPort;
        kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: nto
                  cluster: {server: "%s", certificate-authority: "%s"}
                users:
                - name: nto-admin
                  user: {token: "%s"}
                contexts:
                - name: nto
                  context: {cluster: nto, user: nto-admin}
                current-context: nto
                """.formatted(apiServer, pki.resolve("ca.crt"), token));

        launch("etcd", binDir.resolve("etcd").toString(), "--name", "nto", "--data-dir", dir.resolve("etcd").toString(),
                "--listen-client-urls", "http://127.0.0.1:" + etcdClient, "--advertise-client-urls", "http://127.0.0.1:" + etcdClient,
                "--listen-peer-urls", "http://127.0.0.1:" + etcdPeer, "--initial-advertise-peer-urls", "http://127.0.0.1:" + etcdPeer,
                "--initial-cluster", "nto=http://127.0.0.1:" + etcdPeer, "--log-level", "warn");
        healthUrls.put("etcd", "http://127.0.0.1:" + etcdClient + "/health");
        waitFor("etcd", "http://127.0.0.1:" + etcdClient + "/health", null, 60);

        launch("kube-apiserver", binDir.resolve("kube-apiserver").toString(),
                "--etcd-servers", "http://127.0.0.1:" + etcdClient,
                "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--secure-port", String.valueOf(apiPort),
                "--tls-cert-file", pki.resolve("apiserver.crt").toString(), "--tls-private-key-file", pki.resolve("apiserver.key").toString(),
                "--client-ca-file", pki.resolve("ca.crt").toString(), "--token-auth-file", pki.resolve("tokens.csv").toString(),
                "--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file", pki.resolve("sa.pub").toString(),
                "--service-account-signing-key-file", pki.resolve("sa.key").toString(),
                "--authorization-mode", "RBAC", "--service-cluster-ip-range", "10.96.0.0/16",
                "--service-node-port-range", "30000-32767", "--allow-privileged=true", "--profiling=false",
                "--cert-dir", dir.resolve("apiserver-certs").toString());
        healthUrls.put("kube-apiserver", apiServer + "/readyz");
        waitFor("kube-apiserver", apiServer + "/readyz", token, 120);

        launch("kube-controller-manager", binDir.resolve("kube-controller-manager").toString(),
                "--kubeconfig", kubeconfig.toString(),
                "--authentication-kubeconfig", kubeconfig.toString(), "--authorization-kubeconfig", kubeconfig.toString(),
                "--bind-address", "127.0.0.1", "--secure-port", String.valueOf(kcmPort),
                "--cert-dir", dir.resolve("kcm-certs").toString(), "--leader-elect=false",
                "--service-account-private-key-file", pki.resolve("sa.key").toString(), "--root-ca-file", pki.resolve("ca.crt").toString(),
                "--use-service-account-credentials=false", "--profiling=false",
                "--controllers", "garbage-collector-controller,endpointslice-controller,namespace-controller,serviceaccount-controller");
        // Ready when its controllers work: the service-account controller creates default/default.
        waitFor("kube-controller-manager (serviceaccount default/default)", apiServer + "/api/v1/namespaces/default/serviceaccounts/default", token, 60);
        startupMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("[control-plane] etcd, kube-apiserver and kube-controller-manager up in %d ms (%s)%n", startupMillis, apiServer);
    }

    /**
     * Sends a request straight to the API server (status code and body), for what the Fabric8 client hides:
     * dry-run creates with strict field validation, exactly as kubectl apply sends them.
     */
    public HttpResponse<String> request(String method, String path, String jsonBody) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(trustAll()).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiServer + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public long startupMillis() {
        return startupMillis;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public Path dir() {
        return dir;
    }

    public Path bin(String name) {
        return binDir.resolve(name);
    }

    /**
     * A fresh client with the admin token. Built from an empty config, not auto-configured: in the same JVM the
     * Quarkus tests point the kubernetes.* system properties at their mock server.
     */
    public KubernetesClient client() {
        return new KubernetesClientBuilder().withConfig(adminConfig()).build();
    }

    /** A fresh admin client that reads and writes as the operator's own client does ({@link ClientSerialization}). */
    /**
     * Edits a topology as a user would, again on a conflict: the operator writes the topology too (its finalizer, its
     * status), and Fabric8's edit is optimistically locked, so an edit right after a create can meet a 409.
     */
    public static void editTopology(KubernetesClient client, String namespace, String name,
            java.util.function.UnaryOperator<io.networktopology.api.v1alpha1.NetworkTopology> change) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .ignoreExceptionsMatching(e -> e instanceof io.fabric8.kubernetes.client.KubernetesClientException k && k.getCode() == 409)
                .until(() -> {
                    client.resources(io.networktopology.api.v1alpha1.NetworkTopology.class).inNamespace(namespace).withName(name).edit(change);
                    return true;
                });
    }

    public KubernetesClient operatorClient() {
        return new KubernetesClientBuilder().withConfig(adminConfig()).withKubernetesSerialization(ClientSerialization.create()).build();
    }

    private Config adminConfig() {
        return new io.fabric8.kubernetes.client.ConfigBuilder(Config.empty())
                .withMasterUrl(apiServer)
                .withOauthToken(token)
                .withCaCertFile(dir.resolve("pki").resolve("ca.crt").toString())
                .withNamespace("default")
                .withRequestTimeout(30_000)
                .build();
    }

    /** Starts CoreDNS with a Corefile (its file is {@code dir/name.Corefile}); waits until its ready endpoint answers. */
    public Process coreDns(String name, String corefile, int readyPort) throws Exception {
        Path file = dir.resolve(name + ".Corefile");
        Files.writeString(file, corefile);
        Process process = launch("coredns-" + name, binDir.resolve("coredns").toString(), "-conf", file.toString());
        waitFor("coredns " + name, "http://127.0.0.1:" + readyPort + "/ready", null, 60);
        return process;
    }

    /** Starts any program as part of the plane, stopped with it; its output goes to {@code dir/name.log}. */
    public Process launch(String name, String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
        processes.add(process);
        commands.put(name, command);
        byName.put(name, process);
        return process;
    }

    /** Stops one process of the plane (etcd, kube-apiserver, ...) the way a crash or a node loss would: SIGKILL. */
    public void kill(String name) throws InterruptedException {
        Process process = byName.get(name);
        process.destroyForcibly();
        process.waitFor();
        processes.remove(process);
    }

    /** Starts a stopped process again with the same command, and waits until it answers its health check. */
    public void startAgain(String name) throws Exception {
        launch(name, commands.get(name));
        if (healthUrls.containsKey(name)) {
            waitFor(name + " (again)", healthUrls.get(name), name.equals("etcd") ? null : token, 120);
        }
    }

    /** The etcd client URL, for etcdctl-like requests (compaction). */
    public String etcdUrl() {
        return healthUrls.get("etcd").replace("/health", "");
    }

    /**
     * The packaged operator (target/quarkus-app, as the image runs it) against this plane, probes off, on {@code port},
     * its output appended to {@code log}; more environment can be added before it is started.
     */
    public ProcessBuilder packagedOperator(Path log, int port) {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                "target/quarkus-app/quarkus-run.jar").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        builder.environment().put("NETWORKTOPOLOGY_PROBES_ENABLED", "false");
        return builder;
    }

    /**
     * A free port below the kernel's ephemeral range. A port the kernel hands out for listening (port 0) comes from the
     * range it also uses for outgoing connections, so between picking it and a process binding it a client socket could
     * take it ("address already in use": seen in CI when kube-controller-manager started after kube-apiserver had opened
     * its connections to etcd). Below the range only another listener can take it.
     */
    public static int freePort() throws IOException {
        int low = 32768;
        try {
            low = Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux: the default range
        }
        if (low > 12000) {
            java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = random.nextInt(10000, Math.min(low, 30000)); // 30000-32767: the NodePort range
                try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void waitFor(String what, String url, String token, int seconds) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(trustAll()).connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(what + ": a control-plane process exited (code " + p.exitValue() + "); logs in " + dir);
                }
            }
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2));
                if (token != null) {
                    request.header("Authorization", "Bearer " + token);
                }
                if (http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("timed out after " + seconds + " s waiting for " + what + " (" + url + "); logs in " + dir);
    }

    private static SSLContext trustAll() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        return context;
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }

    public void dumpLogs() {
        try (Stream<Path> logs = Files.list(dir)) {
            logs.filter(p -> p.toString().endsWith(".log")).forEach(log -> {
                try {
                    List<String> lines = Files.readAllLines(log);
                    System.out.println("----- last lines of " + log.getFileName());
                    lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(System.out::println);
                } catch (IOException e) {
                    System.out.println("cannot read " + log + ": " + e);
                }
            });
        } catch (IOException e) {
            System.out.println("cannot list " + dir + ": " + e);
        }
    }

    private synchronized void stopAll() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        processes.clear();
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // shutting down already
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.out.println("could not remove " + dir + ": " + e);
        }
    }
}
