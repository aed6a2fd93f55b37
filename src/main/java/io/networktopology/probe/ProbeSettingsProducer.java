package io.networktopology.probe;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.networktopology.config.OperatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.List;

/** Reads the probe settings from the operator's configuration (application.properties, env vars, system properties). */
@ApplicationScoped
public class ProbeSettingsProducer {

    private static final Logger LOG = Logger.getLogger(ProbeSettingsProducer.class);

    @Inject
    OperatorConfig config;

    @Inject
    Instance<KubernetesClient> client;

    @Produces
    @Singleton
    ProbeSettings settings() {
        OperatorConfig.Probes probes = config.probes();
        OwnImage own = probes.image().isPresent() || !probes.enabled() ? null
                : OwnImage.lookup(client.isResolvable() ? client.get() : null);
        ProbeSettings settings = ProbeSettings.from(config, own == null ? null : own.image(), own == null ? null : own.pullPolicy());
        LOG.infof("Probe pods run image %s (%s)%s", settings.image(), settings.imagePullPolicy(),
                probes.image().isPresent() ? " (networktopology.probes.image)" : own != null ? " (the operator's own image)"
                        : probes.enabled() ? "; set networktopology.probes.image (NETWORKTOPOLOGY_PROBES_IMAGE) to an image the nodes"
                        + " can pull, or networktopology.probes.enabled=false" : "");
        return settings;
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
}
