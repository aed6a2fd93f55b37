package io.networktopology.probe;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Toleration;
import io.networktopology.config.OperatorConfig;

import java.time.Duration;
import java.util.LinkedHashMap;
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
    /** Where the operator's image keeps the probe pods' AppCDS archive (made at image build by {@code probe --train}). */
    public static final String CDS_ARCHIVE = "/deployments/probe.jsa";
    /**
     * src/main/docker/Dockerfile.jvm: the application in /deployments, run by user 185; small-heap, fast-start flags, and
     * the image's class data archive of the probe program (a JVM that cannot use it starts without it).
     */
    public static final List<String> DEFAULT_COMMAND = List.of("java", "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:MaxRAMPercentage=60",
            "-XX:-UsePerfData", "-XX:SharedArchiveFile=" + CDS_ARCHIVE, "-jar", "/deployments/quarkus-run.jar");

    /** The defaults of {@link OperatorConfig}, in another cluster domain. */
    public static ProbeSettings defaults(String clusterDomain) {
        return from(OperatorConfig.read(Map.of("networktopology.cluster-domain", clusterDomain), false), null, null);
    }

    /**
     * The settings from the operator's configuration.
     *
     * @param ownImage the operator's own image (and its pull policy), used when no image is configured; null outside a pod
     */
    public static ProbeSettings from(OperatorConfig config, String ownImage, String ownPullPolicy) {
        OperatorConfig.Probes probes = config.probes();
        List<Toleration> tolerations;
        try {
            tolerations = probes.tolerations().isEmpty() || probes.tolerations().get().isBlank() ? List.of()
                    : new ObjectMapper().readValue(probes.tolerations().get(), new TypeReference<List<Toleration>>() { });
        } catch (Exception e) {
            throw new IllegalArgumentException("networktopology.probes.tolerations is not a JSON list of tolerations: " + e.getMessage(), e);
        }
        String image = probes.image().orElse(ownImage != null ? ownImage : DEFAULT_IMAGE);
        String pullPolicy = probes.imagePullPolicy().orElse(ownImage != null && ownPullPolicy != null ? ownPullPolicy : "IfNotPresent");
        return new ProbeSettings(probes.enabled(), image, probes.command().orElse(DEFAULT_COMMAND), probes.runAsUser(), pullPolicy,
                probes.cpuRequest(), probes.memoryRequest(), probes.memoryLimit(),
                pairs(probes.nodeSelector().orElse(List.of()), "networktopology.probes.node-selector"), tolerations,
                probes.echoPort(), probes.hostEchoPort(), Math.max(1, probes.maxNodes()), probes.runDeadline(), config.dns().namespace(),
                pairs(probes.dnsPodLabels(), "networktopology.probes.dns-pod-labels"), config.clusterDomain(), probes.dnsPropagation());
    }

    static Map<String, String> pairs(List<String> items, String property) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(property + ": \"" + item + "\" is not key=value");
            }
            map.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return map;
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
