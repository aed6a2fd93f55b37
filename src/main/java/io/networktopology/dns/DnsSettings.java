package io.networktopology.dns;

import io.networktopology.config.OperatorConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the cluster's CoreDNS configuration lives, and the admin's policy for what topologies may put in it.
 *
 * @param namespace namespace of the CoreDNS ConfigMaps and Deployment (kube-system)
 * @param configMap the ConfigMap holding the Corefile (coredns)
 * @param key the key of the Corefile in it (Corefile)
 * @param customConfigMap the custom-files ConfigMap imported by k3s/AKS-style Corefiles (coredns-custom)
 * @param deployment the CoreDNS Deployment, restarted when imported files change (coredns)
 * @param clusterDomain the cluster domain no topology may create names in (cluster.local)
 * @param allowedZones "NAMESPACE=ZONE" pairs; NAMESPACE may be "*", ZONE may contain "{namespace}"
 * @param stubDomainNamespaces namespaces allowed to declare stub domains ("*" for all)
 * @param restartWithoutReload restart CoreDNS after an inline change when the serving block has no reload plugin
 * @param owner which installation's entries these are, when several operators share one CoreDNS (the own-namespace
 *     overlay sets its namespace); each touches only its own parts of the Corefile. Null: the one cluster-wide install
 */
public record DnsSettings(String namespace, String configMap, String key, String customConfigMap, String deployment,
        String clusterDomain, List<String> allowedZones, List<String> stubDomainNamespaces, boolean restartWithoutReload, String owner) {

    /** An owner is written into Corefile comments and ConfigMap keys: a DNS label. */
    static final java.util.regex.Pattern OWNER = java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public DnsSettings {
        if (owner != null && owner.isBlank()) {
            owner = null;
        }
        if (owner != null && !OWNER.matcher(owner).matches()) {
            throw new IllegalArgumentException("networktopology.dns.owner \"" + owner + "\" must be a DNS label (lower-case letters, digits"
                    + " and '-', at most 63 characters)");
        }
    }

    /** The defaults of {@link OperatorConfig}, in another cluster domain. */
    public static DnsSettings defaults(String clusterDomain) {
        return from(OperatorConfig.read(Map.of("networktopology.cluster-domain", clusterDomain), false));
    }

    /** The settings from the operator's configuration (the operator's, and {@code render --corefile}'s). */
    public static DnsSettings from(OperatorConfig config) {
        OperatorConfig.Dns dns = config.dns();
        return new DnsSettings(dns.namespace(), dns.corefileConfigMap(), dns.corefileKey(), dns.customConfigMap(), dns.deployment(),
                config.clusterDomain(), dns.allowedZones(), dns.stubDomainNamespaces().orElse(List.of()), dns.restartWithoutReload(),
                dns.owner().orElse(null));
    }

    public DnsSettings withOwner(String newOwner) {
        return new DnsSettings(namespace, configMap, key, customConfigMap, deployment, clusterDomain, allowedZones, stubDomainNamespaces,
                restartWithoutReload, newOwner);
    }

    /** The zones a namespace may create names in. */
    public List<String> zonesFor(String topologyNamespace) {
        List<String> zones = new ArrayList<>();
        for (String pair : allowedZones) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String ns = pair.substring(0, eq).trim();
            if (ns.equals("*") || ns.equals(topologyNamespace)) {
                for (String zone : pair.substring(eq + 1).split("\\|")) {
                    String z = zone.trim().replace("{namespace}", topologyNamespace).toLowerCase(Locale.ROOT);
                    if (!z.isEmpty()) {
                        zones.add(z.endsWith(".") ? z.substring(0, z.length() - 1) : z);
                    }
                }
            }
        }
        return zones;
    }

    public boolean stubDomainsAllowed(String topologyNamespace) {
        return stubDomainNamespaces.contains("*") || stubDomainNamespaces.contains(topologyNamespace);
    }

    /** Why a name may not be created by a topology of this namespace, or null when it may. */
    public String policyViolation(String name, String topologyNamespace) {
        if (within(name, clusterDomain)) {
            return name + " is inside the cluster domain " + clusterDomain + ", which belongs to Kubernetes";
        }
        List<String> zones = zonesFor(topologyNamespace);
        if (zones.stream().noneMatch(z -> within(name, z))) {
            return name + " is outside the zones allowed for namespace " + topologyNamespace
                    + (zones.isEmpty() ? " (none)" : " (" + String.join(", ", zones) + ")");
        }
        return null;
    }

    /** Why a stub domain may not be declared by a topology of this namespace, or null when it may. */
    public String stubDomainViolation(String domain, String topologyNamespace) {
        if (within(domain, clusterDomain) || within(clusterDomain, domain)) {
            return domain + " overlaps the cluster domain " + clusterDomain;
        }
        if (!stubDomainsAllowed(topologyNamespace)) {
            return "stub domains are not allowed for namespace " + topologyNamespace
                    + " (operator setting networktopology.dns.stub-domain-namespaces)";
        }
        return null;
    }

    static boolean within(String name, String zone) {
        String n = name.toLowerCase(Locale.ROOT);
        String z = zone.toLowerCase(Locale.ROOT);
        return n.equals(z) || n.endsWith("." + z);
    }
}
