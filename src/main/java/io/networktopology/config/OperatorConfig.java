package io.networktopology.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's configuration ({@code networktopology.*} in application.properties, or environment variables such as
 * {@code NETWORKTOPOLOGY_DNS_OWNER}): every key with its one default. Checked when it is turned into settings
 * ({@code DnsSettings}, {@code ProbeSettings}), which say which key is wrong and why.
 */
@ConfigMapping(prefix = "networktopology")
public interface OperatorConfig {

    /** The cluster DNS domain: FQDN, SRV and PTR names in status; no topology may create names inside it. */
    @WithDefault("cluster.local")
    String clusterDomain();

    /** Whether the application starts the controller (false: only the HTTP endpoints, for tests). */
    @WithDefault("true")
    boolean startOperator();

    Dns dns();

    Probes probes();

    LeaderElection leaderElection();

    /** Where CoreDNS's configuration lives, and what topologies may put in it. */
    interface Dns {
        @WithDefault("kube-system")
        String namespace();

        @WithName("corefile-configmap")
        @WithDefault("coredns")
        String corefileConfigMap();

        @WithDefault("Corefile")
        String corefileKey();

        @WithName("custom-configmap")
        @WithDefault("coredns-custom")
        String customConfigMap();

        @WithDefault("coredns")
        String deployment();

        /** "NAMESPACE=ZONE|ZONE" pairs; NAMESPACE may be "*", a ZONE may contain "{namespace}". */
        @WithDefault("*={namespace}.internal")
        List<String> allowedZones();

        /** Namespaces allowed to declare stub domains ("*" for all); none by default. */
        Optional<List<String>> stubDomainNamespaces();

        @WithDefault("false")
        boolean restartWithoutReload();

        /** Which installation's entries these are, when several operators share one CoreDNS. */
        Optional<String> owner();
    }

    /** How probe pods run. */
    interface Probes {
        @WithDefault("true")
        boolean enabled();

        /** Unset: the operator's own image, read from its own pod, else {@code ProbeSettings.DEFAULT_IMAGE}. */
        Optional<String> image();

        /** How the image runs the binary, e.g. {@code ./application} for a native image. */
        Optional<List<String>> command();

        @WithDefault("185")
        long runAsUser();

        /** Unset: the pull policy of the operator's own container when the image is its own, else IfNotPresent. */
        Optional<String> imagePullPolicy();

        @WithDefault("50m")
        String cpuRequest();

        @WithDefault("96Mi")
        String memoryRequest();

        @WithDefault("192Mi")
        String memoryLimit();

        /** key=value pairs, e.g. {@code kubernetes.io/os=linux,pool=probes}. */
        Optional<List<String>> nodeSelector();

        /** A JSON list of tolerations, e.g. {@code [{"key":"dedicated","operator":"Exists"}]}. */
        Optional<String> tolerations();

        @WithDefault("8080")
        int echoPort();

        /** Outside the NodePort range (30000-32767), where kube-proxy would intercept it. */
        @WithDefault("29999")
        int hostEchoPort();

        @WithDefault("3")
        int maxNodes();

        @WithDefault("120s")
        Duration runDeadline();

        /** The kubelet's ConfigMap sync (up to a minute) plus the reload plugin's interval (30 s, with jitter). */
        @WithDefault("120s")
        Duration dnsPropagation();

        /** key=value labels of the CoreDNS pods, in {@code networktopology.dns.namespace}. */
        @WithDefault("k8s-app=kube-dns")
        List<String> dnsPodLabels();
    }

    interface LeaderElection {
        @WithDefault("false")
        boolean enabled();

        /** Where the Lease lives; unset: POD_NAMESPACE, else network-topology-system. */
        Optional<String> namespace();

        /** How long a Lease holds without renewal before another replica may take it. */
        @WithDefault("15s")
        Duration leaseDuration();

        /** How long the leader keeps trying to renew before it gives up leading (and exits); less than the lease. */
        @WithDefault("10s")
        Duration renewDeadline();

        /** How often a replica tries to acquire or renew the Lease. */
        @WithDefault("2s")
        Duration retryPeriod();
    }

    /** The defaults alone: what an operator with no configuration uses. */
    static OperatorConfig defaults() {
        return read(Map.of(), false);
    }

    /**
     * The configuration as the operator reads it, outside the application (render, the benchmark): system properties,
     * environment variables, then the application.properties on the classpath — or only {@code properties}.
     */
    static OperatorConfig read(Map<String, String> properties, boolean withTheOperatorsSources) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().withMapping(OperatorConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()).withProfile("prod")
                .withSources(new PropertiesConfigSource(properties, "given", 500));
        if (withTheOperatorsSources) {
            builder.addDefaultSources().addDefaultInterceptors();
            URL file = OperatorConfig.class.getClassLoader().getResource("application.properties");
            if (file != null) {
                try {
                    builder.withSources(new PropertiesConfigSource(file, 250));
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read application.properties: " + e.getMessage(), e);
                }
            }
        }
        SmallRyeConfig config = builder.build();
        return config.getConfigMapping(OperatorConfig.class);
    }
}
