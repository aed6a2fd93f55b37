package io.networktopology.probe;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the probe settings from the operator's configuration (application.properties, env vars, system properties). */
@ApplicationScoped
public class ProbeSettingsProducer {

    private static final Logger LOG = Logger.getLogger(ProbeSettingsProducer.class);

    @ConfigProperty(name = "networktopology.cluster-domain", defaultValue = "cluster.local")
    String clusterDomain;
    @ConfigProperty(name = "networktopology.probes.enabled", defaultValue = "true")
    boolean enabled;
    /** Unset: the operator's own image, read from its own pod (POD_NAME/POD_NAMESPACE), else {@link ProbeSettings#DEFAULT_IMAGE}. */
    @ConfigProperty(name = "networktopology.probes.image")
    Optional<String> image;
    /** How the image runs the binary (comma-separated), e.g. {@code ./application} for the native image. */
    @ConfigProperty(name = "networktopology.probes.command")
    Optional<List<String>> command;
    @ConfigProperty(name = "networktopology.probes.run-as-user", defaultValue = "185")
    long runAsUser;
    /** Unset: the pull policy of the operator's own container when the image is its own, else IfNotPresent. */
    @ConfigProperty(name = "networktopology.probes.image-pull-policy")
    Optional<String> pullPolicy;
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
    /** The kubelet's ConfigMap sync (up to a minute) plus the reload plugin's interval (30 s, with jitter). */
    @ConfigProperty(name = "networktopology.probes.dns-propagation", defaultValue = "120s")
    Duration dnsPropagation;
    @ConfigProperty(name = "networktopology.dns.namespace", defaultValue = "kube-system")
    String dnsNamespace;
    @ConfigProperty(name = "networktopology.probes.dns-pod-labels", defaultValue = "k8s-app=kube-dns")
    List<String> dnsPodLabels;

    @Inject
    Instance<KubernetesClient> client;

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
        OwnImage own = image.isPresent() || !enabled ? null : OwnImage.lookup(client.isResolvable() ? client.get() : null);
        String probeImage = image.orElse(own != null ? own.image() : ProbeSettings.DEFAULT_IMAGE);
        String probePullPolicy = pullPolicy.orElse(own != null && own.pullPolicy() != null ? own.pullPolicy() : "IfNotPresent");
        LOG.infof("Probe pods run image %s (%s)%s", probeImage, probePullPolicy, image.isPresent() ? " (networktopology.probes.image)"
                : own != null ? " (the operator's own image)" : enabled ? "; set networktopology.probes.image (NETWORKTOPOLOGY_PROBES_IMAGE) to"
                + " an image the nodes can pull, or networktopology.probes.enabled=false" : "");
        return new ProbeSettings(enabled, probeImage, command.orElse(ProbeSettings.DEFAULT_COMMAND), runAsUser, probePullPolicy, cpuRequest,
                memoryRequest, memoryLimit, pairs(nodeSelector.orElse(List.of()),
                "networktopology.probes.node-selector"), parsedTolerations, echoPort, hostEchoPort, Math.max(1, maxNodes), runDeadline,
                dnsNamespace, pairs(dnsPodLabels, "networktopology.probes.dns-pod-labels"), clusterDomain, dnsPropagation);
    }

    /** The image of the operator's own container and its pull policy: what the probe pods run unless configured. */
    record OwnImage(String image, String pullPolicy) {

        /** Reads the operator's pod (POD_NAME, POD_NAMESPACE from the downward API); null outside a pod or when it cannot. */
        static OwnImage lookup(KubernetesClient client) {
            String name = System.getenv("POD_NAME");
            String namespace = System.getenv("POD_NAMESPACE");
            if (client == null || name == null || name.isBlank() || namespace == null || namespace.isBlank()) {
                return null;
            }
            try {
                Pod pod = client.pods().inNamespace(namespace).withName(name).get();
                if (pod == null) {
                    LOG.warnf("Probe image: the operator's own pod %s/%s was not found", namespace, name);
                    return null;
                }
                return ownContainer(pod.getSpec().getContainers());
            } catch (RuntimeException e) {
                LOG.warnf("Probe image: cannot read the operator's own pod %s/%s: %s", namespace, name, e.getMessage());
                return null;
            }
        }

        /** The container named {@code operator}, else the only one. */
        static OwnImage ownContainer(List<Container> containers) {
            Container own = containers.stream().filter(c -> "operator".equals(c.getName())).findFirst()
                    .orElse(containers.size() == 1 ? containers.get(0) : null);
            return own == null || own.getImage() == null ? null : new OwnImage(own.getImage(), own.getImagePullPolicy());
        }
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
