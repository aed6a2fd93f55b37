package io.networktopology.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.networktopology.Processes;
import io.networktopology.controlplane.ControlPlane;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real two-node cluster for a test class: {@code tools/cluster/up.sh} (containerd, runc, CNI, kubelet and
 * kube-proxy per node, the control plane, CoreDNS) and {@code tools/cluster/down.sh} after, also when a test fails.
 * Root is needed; without it the tests are skipped (developer machines), as root a missing tool fails them (CI).
 */
public final class RealCluster implements AutoCloseable {

    private static final Path TOOLS = Path.of("tools/cluster");
    private final Map<String, String> env;
    private final Path kubeconfig;
    private final Path bin;
    private KubernetesClient client;

    private RealCluster(Map<String, String> env, Path kubeconfig, Path bin) {
        this.env = env;
        this.kubeconfig = kubeconfig;
        this.bin = bin;
    }

    /** Brings the cluster up (images from target/quarkus-app); tears down what it started when that fails. */
    public static RealCluster up() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new TestAbortedException("the real-node cluster needs root (containerd, kubelet, network namespaces); CI runs as root");
        }
        Path bin = ControlPlane.binaries();
        Map<String, String> env = Map.of("NTO_CONTROL_PLANE_BIN", bin.toString(), "LANG", "C.UTF-8");
        // A cluster a crashed earlier run left behind would hold the ports and addresses.
        script(env, "down.sh", Duration.ofMinutes(3));
        Processes.Result up = script(env, "up.sh", Duration.ofMinutes(8));
        if (up.exitCode() != 0) {
            System.err.println(up.err());
            script(env, "down.sh", Duration.ofMinutes(3));
            throw new IllegalStateException("tools/cluster/up.sh failed (exit " + up.exitCode() + "); its output is above");
        }
        String[] lines = up.out().strip().split("\n");
        System.out.println(timings(up.err()));
        return new RealCluster(env, Path.of(lines[lines.length - 1].strip()), bin);
    }

    private static Processes.Result script(Map<String, String> env, String name, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder("bash", TOOLS.resolve(name).toString());
        builder.environment().putAll(env);
        return Processes.run(builder, null, timeout);
    }

    private static String timings(String log) {
        StringBuilder out = new StringBuilder("cluster up:");
        for (String line : log.split("\n")) {
            if (line.contains("_seconds=")) {
                out.append(' ').append(line.replaceAll("^.*cluster: ", ""));
            }
        }
        return out.toString();
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public synchronized KubernetesClient client() {
        if (client == null) {
            try {
                Config config = Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8));
                client = new KubernetesClientBuilder().withConfig(config).build();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return client;
    }

    /** kubectl against the cluster, as a user would type it. */
    public Processes.Result kubectl(String... args) {
        return kubectlIn(null, args);
    }

    public Processes.Result kubectlIn(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(bin.resolve("kubectl").toString(), "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        return Processes.run(new ProcessBuilder(command), stdin, Duration.ofMinutes(3));
    }

    /** kubectl that must succeed; its standard output. */
    public String kubectlOk(String... args) {
        Processes.Result result = kubectl(args);
        if (result.exitCode() != 0) {
            throw new AssertionError("kubectl " + String.join(" ", args) + " failed (exit " + result.exitCode() + "): " + result.err());
        }
        return result.out();
    }

    /** A command in a node's network namespace (node 1 is the host's), e.g. to break that node's networking. */
    public Processes.Result onNode(int node, String... command) {
        List<String> full = new ArrayList<>();
        if (node != 1) {
            full.addAll(List.of("nsenter", "--net=/run/netns/nto-node" + node, "--"));
        }
        full.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(full);
        builder.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        return Processes.run(builder, null, Duration.ofMinutes(1));
    }

    public static final String OPERATOR_NAMESPACE = "network-topology-system";

    /** The user's install: {@code kubectl apply -k tools/cluster/overlay} (the default overlay, the local image). */
    public void installOperator() {
        kubectlOk("apply", "-k", "crds/");
        kubectlOk("apply", "-k", "tools/cluster/overlay");
        kubectlOk("-n", OPERATOR_NAMESPACE, "rollout", "status", "deploy/network-topology-operator", "--timeout=180s");
    }

    /** The test topology with backends on both nodes ({@code src/test/resources/cluster/realnet.yaml}), its probe interval set. */
    public void applyRealnet(String interval) throws IOException {
        String yaml = Files.readString(Path.of("src/test/resources/cluster/realnet.yaml"), StandardCharsets.UTF_8)
                .replace("interval: 1m", "interval: " + interval);
        Processes.Result applied = kubectlIn(yaml, "apply", "-f", "-");
        if (applied.exitCode() != 0) {
            throw new AssertionError("kubectl apply failed: " + applied.err());
        }
        kubectlOk("-n", "realnet", "rollout", "status", "deploy/web", "--timeout=120s");
        kubectlOk("-n", "realnet", "rollout", "status", "deploy/edge", "--timeout=120s");
    }

    /** A TLS Secret for one host, with a self-signed certificate (openssl), as an ingress's TLS section names it. */
    public void tlsSecret(String namespace, String name, String host) throws IOException {
        Path dir = Files.createTempDirectory("nto-tls-");
        Processes.Result cert = Processes.run(new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=" + host, "-addext", "subjectAltName=DNS:" + host,
                "-keyout", dir.resolve("tls.key").toString(), "-out", dir.resolve("tls.crt").toString()), null, Duration.ofMinutes(1));
        if (cert.exitCode() != 0) {
            throw new AssertionError("openssl failed: " + cert.err());
        }
        kubectlOk("-n", namespace, "create", "secret", "tls", name, "--cert", dir.resolve("tls.crt").toString(),
                "--key", dir.resolve("tls.key").toString());
    }

    public io.networktopology.api.v1alpha1.NetworkTopology topology(String namespace, String name) {
        return client().resources(io.networktopology.api.v1alpha1.NetworkTopology.class).inNamespace(namespace).withName(name).get();
    }

    /** A condition as "True", or "False Reason: message"; null when absent. */
    public static String condition(io.networktopology.api.v1alpha1.NetworkTopology topology, String type) {
        if (topology == null || topology.getStatus() == null || topology.getStatus().getConditions() == null) {
            return null;
        }
        return topology.getStatus().getConditions().stream().filter(c -> type.equals(c.getType()))
                .map(c -> c.getStatus() + ("True".equals(c.getStatus()) ? "" : " " + c.getReason() + ": " + c.getMessage()))
                .findFirst().orElse(null);
    }

    /** The PID file of a process up.sh started ({@code kube-proxy-node2}, ...). */
    public long pid(String process) throws IOException {
        return Long.parseLong(Files.readString(Path.of(env.getOrDefault("NTO_CLUSTER_DIR", "/tmp/nto-cluster"), "pids", process + ".pid")).strip());
    }

    /** Runs up.sh stages again: what is not running any more is started, the rest is left alone. */
    public void upAgain(String... stages) {
        List<String> command = new ArrayList<>(List.of("bash", TOOLS.resolve("up.sh").toString()));
        command.addAll(List.of(stages));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Processes.Result result = Processes.run(builder, null, Duration.ofMinutes(3));
        if (result.exitCode() != 0) {
            throw new AssertionError("up.sh " + String.join(" ", stages) + " failed: " + result.err());
        }
    }

    public Path binary(String name) {
        return bin.resolve(name);
    }

    /** What the cluster holds, for a failed test's output. */
    public void dumpState(String namespace) {
        for (String[] args : List.of(new String[] {"get", "nodes,pods,svc,endpointslices,ingress", "-A", "-o", "wide"},
                new String[] {"get", "ntopo", "-A", "-o", "yaml"},
                new String[] {"-n", namespace, "get", "events", "--sort-by=.lastTimestamp"},
                new String[] {"-n", "network-topology-system", "logs", "deploy/network-topology-operator", "--tail=200"})) {
            Processes.Result result = kubectl(args);
            System.out.println("$ kubectl " + String.join(" ", args) + "\n" + result.out() + result.err());
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        Processes.Result down = script(env, "down.sh", Duration.ofMinutes(3));
        if (down.exitCode() != 0) {
            System.err.println("tools/cluster/down.sh failed: " + down.err());
        }
    }
}
