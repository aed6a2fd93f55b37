package io.networktopology.probe;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Toleration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the probe settings from the operator's configuration (application.properties, env vars, system properties). */
@ApplicationScoped
public class ProbeSettingsProducer {

    @ConfigProperty(name = "networktopology.cluster-domain", defaultValue = "cluster.local")
    String clusterDomain;
    @ConfigProperty(name = "networktopology.probes.enabled", defaultValue = "true")
    boolean enabled;
    @ConfigProperty(name = "networktopology.probes.image", defaultValue = ProbeSettings.DEFAULT_IMAGE)
    String image;
    /** How the image runs the binary (comma-separated), e.g. {@code ./application} for the native image. */
    @ConfigProperty(name = "networktopology.probes.command")
    Optional<List<String>> command;
    @ConfigProperty(name = "networktopology.probes.run-as-user", defaultValue = "185")
    long runAsUser;
    @ConfigProperty(name = "networktopology.probes.image-pull-policy", defaultValue = "IfNotPresent")
    String pullPolicy;
    @ConfigProperty(name = "networktopology.probes.cpu-request", defaultValue = "50m")
    String cpuRequest;
    @ConfigProperty(name = "networktopology.probes.memory-request", defaultValue = "96Mi")
    String memoryRequest;
    @ConfigProperty(name = "networktopology.probes.memory-limit", defaultValue = "192Mi")
    String memoryLimit;
    /** e.g. {@code kubernetes.io/os=linux,pool=probes}. */
    @ConfigProperty(name = "networktopology.probes.node-selector")
    Optional<List<String>> nodeSelector;
    /** A JSON list of tolerations, e.g. {@code [{"key":"dedicated","operator":"Exists"}]}. */
    @ConfigProperty(name = "networktopology.probes.tolerations")
    Optional<String> tolerations;
    @ConfigProperty(name = "networktopology.probes.echo-port", defaultValue = "8080")
    int echoPort;
    /** Outside the NodePort range (30000-32767), where kube-proxy would intercept it. */
    @ConfigProperty(name = "networktopology.probes.host-echo-port", defaultValue = "29999")
    int hostEchoPort;
    @ConfigProperty(name = "networktopology.probes.max-nodes", defaultValue = "3")
    int maxNodes;
    @ConfigProperty(name = "networktopology.probes.run-deadline", defaultValue = "120s")
    Duration runDeadline;
    @ConfigProperty(name = "networktopology.dns.namespace", defaultValue = "kube-system")
    String dnsNamespace;
    @ConfigProperty(name = "networktopology.probes.dns-pod-labels", defaultValue = "k8s-app=kube-dns")
    List<String> dnsPodLabels;

    @Produces
    @Singleton
    ProbeSettings settings() {
        List<Toleration> parsedTolerations;
        try {
            parsedTolerations = tolerations.isEmpty() || tolerations.get().isBlank() ? List.of()
                    : new ObjectMapper().readValue(tolerations.get(), new TypeReference<List<Toleration>>() { });
        } catch (Exception e) {
            throw new IllegalArgumentException("networktopology.probes.tolerations is not a JSON list of tolerations: " + e.getMessage(), e);
        }
        return new ProbeSettings(enabled, image, command.orElse(ProbeSettings.DEFAULT_COMMAND), runAsUser, pullPolicy, cpuRequest,
                memoryRequest, memoryLimit, pairs(nodeSelector.orElse(List.of()),
                "networktopology.probes.node-selector"), parsedTolerations, echoPort, hostEchoPort, Math.max(1, maxNodes), runDeadline,
                dnsNamespace, pairs(dnsPodLabels, "networktopology.probes.dns-pod-labels"), clusterDomain);
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
}
