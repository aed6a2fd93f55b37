package io.networktopology.probe;

import io.fabric8.kubernetes.api.model.Toleration;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the operator runs probe pods, from its configuration ({@code networktopology.probes.*}): the image (mirror it in
 * air-gapped clusters), resources, where the pods may go, and the limits of a run.
 *
 * @param enabled       whether the operator probes at all (a topology can also switch its own probes off)
 * @param image         the probe image: the operator's own image, whose {@code probe} and {@code echo} commands run
 * @param maxNodes      how many nodes a run spreads its echo pods over (a deterministic sample in large clusters)
 * @param runDeadline   how long a run may take; a pod not done by then fails its checks with the reason
 * @param dnsPodLabels  the CoreDNS pods' labels, in {@code dnsNamespace}; each replica is asked directly
 * @param command       how the image runs the binary, before {@code probe}/{@code echo} (the JVM image's by default)
 * @param runAsUser     the image's non-root user
 * @param dnsPropagation how long CoreDNS may take to serve a Corefile change (the kubelet's ConfigMap sync plus the
 *                       reload plugin's interval): a run within that time after a change retries those DNS checks
 */
public record ProbeSettings(boolean enabled, String image, List<String> command, long runAsUser, String imagePullPolicy, String cpuRequest,
        String memoryRequest,
        String memoryLimit, Map<String, String> nodeSelector, List<Toleration> tolerations, int echoPort, int hostEchoPort,
        int maxNodes, Duration runDeadline, String dnsNamespace, Map<String, String> dnsPodLabels, String clusterDomain,
        Duration dnsPropagation) {

    public static final String DEFAULT_IMAGE = "network-topology-operator:0.1.0";
    /** src/main/docker/Dockerfile.jvm: the application in /deployments, run by user 185; small-heap, fast-start flags. */
    public static final List<String> DEFAULT_COMMAND = List.of("java", "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:MaxRAMPercentage=60",
            "-XX:-UsePerfData", "-jar", "/deployments/quarkus-run.jar");
    public static final long DEFAULT_USER = 185;

    public static ProbeSettings defaults(String clusterDomain) {
        return new ProbeSettings(true, DEFAULT_IMAGE, DEFAULT_COMMAND, DEFAULT_USER, "IfNotPresent", "50m", "96Mi", "192Mi", Map.of(),
                List.of(), 8080, 29999, 3,
                Duration.ofSeconds(120), "kube-system", Map.of("k8s-app", "kube-dns"), clusterDomain, Duration.ofSeconds(120));
    }

    public ProbeSettings withEnabled(boolean on) {
        return new ProbeSettings(on, image, command, runAsUser, imagePullPolicy, cpuRequest, memoryRequest, memoryLimit, nodeSelector,
                tolerations, echoPort,
                hostEchoPort, maxNodes, runDeadline, dnsNamespace, dnsPodLabels, clusterDomain, dnsPropagation);
    }

    public ProbeSettings withRunDeadline(Duration deadline) {
        return new ProbeSettings(enabled, image, command, runAsUser, imagePullPolicy, cpuRequest, memoryRequest, memoryLimit,
                nodeSelector, tolerations,
                echoPort, hostEchoPort, maxNodes, deadline, dnsNamespace, dnsPodLabels, clusterDomain, dnsPropagation);
    }
}
