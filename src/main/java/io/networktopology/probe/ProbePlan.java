package io.networktopology.probe;

import io.fabric8.kubernetes.api.model.Service;
import io.networktopology.api.DnsSpec;
import io.networktopology.api.NetworkTopology;
import io.networktopology.api.ProbesSpec.ProbePath;
import io.networktopology.api.ServicePortSpec;
import io.networktopology.api.ServiceSpec;
import io.networktopology.api.ServiceType;
import io.networktopology.model.DnsNames;
import io.networktopology.model.ServiceModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The checks a client probe pod runs for a topology's Pod-to-Service and DNS paths, from what the cluster really
 * assigned (cluster IPs of the observed Services). Pure. DNS checks ask the pod's own resolver, as an application
 * would; the operator asks each CoreDNS replica directly in a later step.
 */
public final class ProbePlan {

    private ProbePlan() {
    }

    public static List<ProbeCheck> clientChecks(NetworkTopology topology, Map<String, Service> observed, String clusterDomain,
            List<ProbePath> paths) {
        List<ProbeCheck> checks = new ArrayList<>();
        String namespace = ServiceModel.namespaceOf(topology);
        List<ServiceSpec> services = topology.getSpec() == null || topology.getSpec().getServices() == null
                ? List.of() : topology.getSpec().getServices();
        for (ServiceSpec spec : services) {
            String fqdn = DnsNames.serviceFqdn(spec.getName(), namespace, clusterDomain);
            Service actual = observed.get(spec.getName());
            String clusterIp = actual == null || actual.getSpec() == null ? null : actual.getSpec().getClusterIP();
            boolean hasIp = clusterIp != null && !clusterIp.isEmpty() && !"None".equals(clusterIp);
            ServiceType type = spec.effectiveType();
            if (paths.contains(ProbePath.DNS)) {
                if (type == ServiceType.ExternalName) {
                    checks.add(ProbeCheck.dns("dns-cname-" + spec.getName(), null, fqdn, "CNAME", List.of(spec.getExternalName())));
                } else if (type == ServiceType.Headless) {
                    checks.add(ProbeCheck.dns("dns-a-" + spec.getName(), null, fqdn, "A", List.of()));
                } else if (hasIp) {
                    checks.add(ProbeCheck.dns("dns-a-" + spec.getName(), null, fqdn, "A", List.of(clusterIp)));
                    DnsNames.ptrName(clusterIp).ifPresent(ptr ->
                            checks.add(ProbeCheck.dns("dns-ptr-" + spec.getName(), null, ptr, "PTR", List.of(fqdn))));
                }
                for (ServicePortSpec port : ports(spec)) {
                    if (port.getName() != null && type != ServiceType.ExternalName) {
                        checks.add(ProbeCheck.dns("dns-srv-" + spec.getName() + "-" + port.getName(), null,
                                DnsNames.srvName(port.getName(), ServiceModel.effectiveProtocol(port).name(), fqdn), "SRV", List.of()));
                    }
                }
            }
            boolean selectorBased = spec.getSelector() != null && !spec.getSelector().isEmpty();
            if (paths.contains(ProbePath.PodToService) && hasIp && selectorBased) {
                for (ServicePortSpec port : ports(spec)) {
                    if (ServiceModel.effectiveProtocol(port) != io.networktopology.api.PortProtocol.TCP) {
                        continue; // a TCP connect proves nothing about UDP or SCTP
                    }
                    String suffix = spec.getName() + "-" + port.getPort();
                    checks.add(ProbeCheck.tcp("svc-ip-" + suffix, clusterIp, port.getPort()));
                    checks.add(ProbeCheck.tcp("svc-name-" + suffix, fqdn, port.getPort()));
                }
            }
        }
        DnsSpec dns = topology.getSpec() == null ? null : topology.getSpec().getDns();
        if (paths.contains(ProbePath.DNS) && dns != null) {
            for (DnsSpec.Alias alias : dns.getAliases() == null ? List.<DnsSpec.Alias>of() : dns.getAliases()) {
                Service target = observed.get(alias.getService());
                String ip = target == null || target.getSpec() == null ? null : target.getSpec().getClusterIP();
                checks.add(ProbeCheck.dns("dns-alias-" + alias.getName(), null, alias.getName(), "A",
                        ip == null || ip.isEmpty() || "None".equals(ip) ? List.of() : List.of(ip)));
            }
            for (DnsSpec.Host host : dns.getHosts() == null ? List.<DnsSpec.Host>of() : dns.getHosts()) {
                for (String address : host.getAddresses() == null ? List.<String>of() : host.getAddresses()) {
                    boolean v6 = address.contains(":");
                    checks.add(ProbeCheck.dns("dns-host-" + host.getHostname() + "-" + address, null, host.getHostname(),
                            v6 ? "AAAA" : "A", List.of(address)));
                    DnsNames.ptrName(address).ifPresent(ptr -> checks.add(ProbeCheck.dns("dns-host-ptr-" + address, null, ptr, "PTR",
                            List.of(host.getHostname()))));
                }
            }
        }
        return checks;
    }

    private static List<ServicePortSpec> ports(ServiceSpec spec) {
        return spec.getPorts() == null ? List.of() : spec.getPorts();
    }
}
