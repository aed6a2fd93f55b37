package io.networktopology.dns;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Optional;

/** Reads the DNS settings from the operator's configuration (application.properties, env vars, system properties). */
@ApplicationScoped
public class DnsSettingsProducer {

    @ConfigProperty(name = "networktopology.cluster-domain", defaultValue = "cluster.local")
    String clusterDomain;
    @ConfigProperty(name = "networktopology.dns.namespace", defaultValue = "kube-system")
    String namespace;
    @ConfigProperty(name = "networktopology.dns.corefile-configmap", defaultValue = "coredns")
    String configMap;
    @ConfigProperty(name = "networktopology.dns.corefile-key", defaultValue = "Corefile")
    String key;
    @ConfigProperty(name = "networktopology.dns.custom-configmap", defaultValue = "coredns-custom")
    String customConfigMap;
    @ConfigProperty(name = "networktopology.dns.deployment", defaultValue = "coredns")
    String deployment;
    @ConfigProperty(name = "networktopology.dns.allowed-zones", defaultValue = "*={namespace}.internal")
    List<String> allowedZones;
    @ConfigProperty(name = "networktopology.dns.stub-domain-namespaces")
    Optional<List<String>> stubDomainNamespaces;
    @ConfigProperty(name = "networktopology.dns.restart-without-reload", defaultValue = "false")
    boolean restartWithoutReload;
    @ConfigProperty(name = "networktopology.dns.owner")
    Optional<String> owner;

    @Produces
    @Singleton
    DnsSettings settings() {
        return new DnsSettings(namespace, configMap, key, customConfigMap, deployment, clusterDomain, allowedZones,
                stubDomainNamespaces.orElse(List.of()), restartWithoutReload, owner.orElse(null));
    }
}
