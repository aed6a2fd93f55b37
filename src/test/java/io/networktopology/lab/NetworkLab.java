package io.networktopology.lab;

import io.networktopology.Processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.fail;

/**
 * A cluster-shaped network built from Linux network namespaces, for running the probe program where the Kubernetes
 * networking model really holds (or is broken on purpose):
 *
 * <pre>
 *   pod-a 10.244.1.2 ── 10.244.1.1 node-1 192.168.77.1 ──── 192.168.77.2 node-2 10.244.2.1 ── 10.244.2.2 pod-b
 *                        (cluster DNS: dnsmasq             (NodePort 192.168.77.2:30080 → pod-b:8080,
 *                         on 10.244.1.1:53; ClusterIPs      a second, empty dnsmasq on 10.244.2.1:53)
 *                         10.96.0.10:80, 10.96.0.11:8080,
 *                         10.96.0.12:8080 → pod-b:8080)
 * </pre>
 *
 * Pod CIDRs are routed between the nodes without NAT; the ClusterIP and the NodePort are nftables DNAT rules in the
 * node that receives the traffic, as kube-proxy's would be. Every address lives inside namespaces this lab created;
 * nothing leaves them. {@link #close()} kills the lab's processes and deletes its namespaces.
 */
public final class NetworkLab implements AutoCloseable {

    public static final String POD_A = "10.244.1.2";
    public static final String POD_B = "10.244.2.2";
    public static final String NODE_1 = "192.168.77.1";
    public static final String NODE_2 = "192.168.77.2";
    public static final String CLUSTER_IP = "10.96.0.10";
    /** Two more ClusterIPs in front of pod-b:8080: a NodePort service's own, and a probe run's echo Service. */
    public static final String ADMIN_IP = "10.96.0.12";
    public static final String ECHO_SERVICE_IP = "10.96.0.11";
    public static final String CLUSTER_DNS = "10.244.1.1";
    public static final String EMPTY_DNS = "10.244.2.1";
    public static final int NODE_PORT = 30080;
    public static final int HOST_ECHO_PORT = 29999;
    public static final String SERVICE = "web.shop.svc.cluster.local";

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private final String id = "ntl" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    /**
     * Why the lab cannot run here, or null. Only a missing root is a reason to skip (developer machines); as root
     * (CI) a missing tool is a failure, so that the lab can never be skipped there unnoticed.
     */
    public static String unavailableBecause() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network namespaces need root (CI runs as root)";
        }
        for (String tool : List.of("ip", "nft", "dnsmasq", "ss")) {
            tool(tool);
        }
        return null;
    }

    /** A tool's path: on PATH, or in the sbin directories a minimal PATH lacks. Fails when it is not installed. */
    static String tool(String name) {
        List<String> dirs = new ArrayList<>(Arrays.asList(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        throw new AssertionError(name + " is not installed (.ci/run installs iproute2, nftables and dnsmasq-base)");
    }

    /** The probe program's command line (the real entry point, in its own JVM), with these arguments. */
    public static String[] java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx64m", "-Dfile.encoding=UTF-8",
                "-cp", System.getProperty("java.class.path"), "io.networktopology.cli.Main"));
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }

    /** What a probe program run printed: its exit code, its report (the last JSON line; null when none) and output. */
    public record ProbeRun(int exitCode, String report, String output) {
    }

    /** Runs the probe program in a namespace with these checks, as a probe pod's container would. */
    public ProbeRun probe(String role, Map<String, String> env, List<io.networktopology.probe.ProbeCheck> checks) {
        try {
            Path file = Files.createTempFile("probe-checks", ".json");
            try {
                Files.writeString(file, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(checks), StandardCharsets.UTF_8);
                Processes.Result result = run(role, env, Duration.ofSeconds(60), List.of(java("probe", "--checks", file.toString())));
                String report = result.out().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
                return new ProbeRun(result.exitCode(), report, result.out() + result.err());
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String ns(String role) {
        return id + "-" + role;
    }

    public static NetworkLab start() {
        NetworkLab lab = new NetworkLab();
        try {
            lab.build();
            return lab;
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    private void build() {
        for (String role : List.of("node-1", "node-2", "pod-a", "pod-b")) {
            ip("netns", "add", ns(role));
            namespaces.add(ns(role));
            ip("-n", ns(role), "link", "set", "lo", "up");
        }
        // The node network.
        link("node-1", "eth0", NODE_1 + "/24", "node-2", "eth0", NODE_2 + "/24");
        // Each pod on its node, with the node as its gateway.
        link("pod-a", "eth0", POD_A + "/24", "node-1", "veth-a", CLUSTER_DNS + "/24");
        link("pod-b", "eth0", POD_B + "/24", "node-2", "veth-b", EMPTY_DNS + "/24");
        ip("-n", ns("pod-a"), "route", "add", "default", "via", "10.244.1.1");
        ip("-n", ns("pod-b"), "route", "add", "default", "via", "10.244.2.1");
        // Pod CIDRs routed node to node, without NAT.
        ip("-n", ns("node-1"), "route", "add", "10.244.2.0/24", "via", NODE_2);
        ip("-n", ns("node-2"), "route", "add", "10.244.1.0/24", "via", NODE_1);
        for (String node : List.of("node-1", "node-2")) {
            exec(node, tool("sysctl"), "-q", "-w", "net.ipv4.ip_forward=1");
        }
        // kube-proxy's part: a ClusterIP on node-1 (where pod-a's traffic enters) and a NodePort on node-2.
        nft("node-1", "add table ip kubeproxy\n"
                + "add chain ip kubeproxy pre { type nat hook prerouting priority -100; }\n"
                + "add rule ip kubeproxy pre ip daddr " + CLUSTER_IP + " tcp dport 80 dnat to " + POD_B + ":8080\n"
                + "add rule ip kubeproxy pre ip daddr " + ADMIN_IP + " tcp dport 8080 dnat to " + POD_B + ":8080\n"
                + "add rule ip kubeproxy pre ip daddr " + ECHO_SERVICE_IP + " tcp dport 8080 dnat to " + POD_B + ":8080\n");
        nft("node-2", "add table ip kubeproxy\n"
                + "add chain ip kubeproxy pre { type nat hook prerouting priority -100; }\n"
                + "add rule ip kubeproxy pre ip daddr " + NODE_2 + " tcp dport " + NODE_PORT + " dnat to " + POD_B + ":8080\n");
        // Cluster DNS for pod-a: dnsmasq on node-1, and pod-a's resolv.conf (ip netns exec bind-mounts /etc/netns/NS/).
        background("node-1", Map.of(), tool("dnsmasq"), "-k", "--conf-file=/dev/null", "--listen-address=" + CLUSTER_DNS,
                "--bind-interfaces", "--no-resolv", "--no-hosts", "--local=/cluster.local/", "--pid-file=",
                "--host-record=" + SERVICE + "," + CLUSTER_IP, "--host-record=admin.shop.svc.cluster.local," + ADMIN_IP,
                "--srv-host=_http._tcp." + SERVICE + "," + SERVICE + ",80,0,10",
                "--cname=ext.shop.svc.cluster.local," + SERVICE);
        // A DNS server that knows no records: "DNS pointed at the wrong server".
        background("node-2", Map.of(), tool("dnsmasq"), "-k", "--conf-file=/dev/null", "--listen-address=" + EMPTY_DNS,
                "--bind-interfaces", "--no-resolv", "--no-hosts", "--local=/cluster.local/", "--pid-file=");
        resolver("pod-a", CLUSTER_DNS);
    }

    /** Points a namespace's /etc/resolv.conf (as {@code ip netns exec} shows it) at a DNS server. */
    public void resolver(String role, String server) {
        try {
            Path dir = Path.of("/etc/netns", ns(role));
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("resolv.conf"), "nameserver " + server + "\nsearch shop.svc.cluster.local svc.cluster.local\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void link(String leftNs, String leftName, String leftAddress, String rightNs, String rightName, String rightAddress) {
        ip("link", "add", leftName, "netns", ns(leftNs), "type", "veth", "peer", "name", rightName, "netns", ns(rightNs));
        ip("-n", ns(leftNs), "addr", "add", leftAddress, "dev", leftName);
        ip("-n", ns(rightNs), "addr", "add", rightAddress, "dev", rightName);
        ip("-n", ns(leftNs), "link", "set", leftName, "up");
        ip("-n", ns(rightNs), "link", "set", rightName, "up");
    }

    public void ip(String... args) {
        List<String> command = new ArrayList<>(List.of(tool("ip")));
        command.addAll(Arrays.asList(args));
        check(command);
    }

    /** Applies an nftables script inside a namespace. */
    public void nft(String role, String script) {
        Processes.Result result = Processes.run(new ProcessBuilder(tool("ip"), "netns", "exec", ns(role), tool("nft"), "-f", "-"), script, COMMAND_TIMEOUT);
        if (result.exitCode() != 0) {
            fail("nft in %s failed: %s\n%s", role, result.err(), script);
        }
    }

    public void exec(String role, String... args) {
        List<String> command = new ArrayList<>(List.of(tool("ip"), "netns", "exec", ns(role)));
        command.addAll(Arrays.asList(args));
        check(command);
    }

    /** Runs a program in a namespace until the lab closes. */
    public Process background(String role, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(tool("ip"), "netns", "exec", ns(role)));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a program in a namespace to its end. */
    public Processes.Result run(String role, Map<String, String> env, Duration timeout, List<String> args) {
        List<String> command = new ArrayList<>(List.of(tool("ip"), "netns", "exec", ns(role)));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        return Processes.run(builder, null, timeout);
    }

    private static void check(List<String> command) {
        Processes.Result result = Processes.run(new ProcessBuilder(command), null, COMMAND_TIMEOUT);
        if (result.exitCode() != 0) {
            fail("%s failed (%d): %s", String.join(" ", command), result.exitCode(), result.err());
        }
    }

    @Override
    public void close() {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        for (Process process : processes) {
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String namespace : namespaces) {
            Processes.run(new ProcessBuilder(tool("ip"), "netns", "del", namespace), null, COMMAND_TIMEOUT);
            try {
                Path dir = Path.of("/etc/netns", namespace);
                if (Files.isDirectory(dir)) {
                    Files.deleteIfExists(dir.resolve("resolv.conf"));
                    Files.deleteIfExists(dir);
                }
            } catch (IOException e) {
                // best effort; the namespace itself is gone
            }
        }
    }
}
