package io.networktopology.model;

import io.networktopology.api.v1alpha1.DnsSpec;
import io.networktopology.api.v1alpha1.NetworkTopologySpec;
import io.networktopology.api.v1alpha1.ServiceSpec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** The rules for {@code spec.dns}; part of {@link TopologyValidator}. What the admin allows is checked later, per entry. */
final class DnsValidator {

    private static final Pattern NAME = Pattern.compile(DnsSpec.NAME);

    private DnsValidator() {
    }

    static void validate(NetworkTopologySpec spec, List<SpecProblem> problems) {
        DnsSpec dns = spec.getDns();
        if (dns == null) {
            return;
        }
        Map<String, ServiceSpec> services = new HashMap<>();
        if (spec.getServices() != null) {
            spec.getServices().stream().filter(Objects::nonNull).filter(s -> s.getName() != null)
                    .forEach(s -> services.putIfAbsent(s.getName(), s));
        }
        Map<String, String> names = new HashMap<>();
        List<DnsSpec.Alias> aliases = dns.getAliases() == null ? List.of() : dns.getAliases();
        for (int i = 0; i < aliases.size(); i++) {
            DnsSpec.Alias alias = aliases.get(i);
            String path = "spec.dns.aliases[" + i + "]";
            if (alias == null) {
                problems.add(new SpecProblem(path, "must not be null"));
                continue;
            }
            name(alias.getName(), path + ".name", names, problems);
            if (alias.getService() == null) {
                problems.add(new SpecProblem(path + ".service", "required"));
            } else if (!services.containsKey(alias.getService())) {
                problems.add(new SpecProblem(path + ".service", "\"" + alias.getService() + "\" is not a service declared in this topology"));
            }
        }
        List<DnsSpec.Host> hosts = dns.getHosts() == null ? List.of() : dns.getHosts();
        for (int i = 0; i < hosts.size(); i++) {
            DnsSpec.Host host = hosts.get(i);
            String path = "spec.dns.hosts[" + i + "]";
            if (host == null) {
                problems.add(new SpecProblem(path, "must not be null"));
                continue;
            }
            name(host.getHostname(), path + ".hostname", names, problems);
            List<String> addresses = host.getAddresses() == null ? List.of() : host.getAddresses();
            if (addresses.isEmpty()) {
                problems.add(new SpecProblem(path + ".addresses", "at least one address is required"));
            }
            for (int a = 0; a < addresses.size(); a++) {
                if (!isIp(addresses.get(a))) {
                    problems.add(new SpecProblem(path + ".addresses[" + a + "]", "\"" + addresses.get(a) + "\" is not an IPv4 or IPv6 address"));
                }
            }
        }
        Map<String, String> domains = new HashMap<>();
        List<DnsSpec.StubDomain> stubs = dns.getStubDomains() == null ? List.of() : dns.getStubDomains();
        for (int i = 0; i < stubs.size(); i++) {
            DnsSpec.StubDomain stub = stubs.get(i);
            String path = "spec.dns.stubDomains[" + i + "]";
            if (stub == null) {
                problems.add(new SpecProblem(path, "must not be null"));
                continue;
            }
            name(stub.getDomain(), path + ".domain", domains, problems);
            List<String> upstreams = stub.getUpstreams() == null ? List.of() : stub.getUpstreams();
            if (upstreams.isEmpty()) {
                problems.add(new SpecProblem(path + ".upstreams", "at least one upstream is required"));
            }
            for (int u = 0; u < upstreams.size(); u++) {
                if (!isUpstream(upstreams.get(u))) {
                    problems.add(new SpecProblem(path + ".upstreams[" + u + "]", "\"" + upstreams.get(u)
                            + "\" is not an upstream: use IP, IP:port or [IPv6]:port"));
                }
            }
        }
    }

    private static void name(String name, String path, Map<String, String> seen, List<SpecProblem> problems) {
        if (name == null || name.isEmpty()) {
            problems.add(new SpecProblem(path, "required"));
            return;
        }
        if (name.length() > 253 || !NAME.matcher(name).matches()) {
            problems.add(new SpecProblem(path, "\"" + name + "\" is not a valid DNS name: lowercase labels separated by dots, at least two labels"));
        }
        String first = seen.putIfAbsent(name, path);
        if (first != null) {
            problems.add(new SpecProblem(path, "duplicate name \"" + name + "\" (also " + first + ")"));
        }
    }

    static boolean isIp(String text) {
        return DnsNames.ipLiteral(text).isPresent();
    }

    /** An IP literal, {@code ip:port} or {@code [ipv6]:port} (brackets only with a port), port 1 to 65535. */
    static boolean isUpstream(String text) {
        return DnsNames.hostPort(text)
                .filter(hp -> isIp(hp.host()))
                .filter(hp -> hp.port() == null ? !text.startsWith("[") : hp.port() >= 1 && hp.port() <= 65535)
                .isPresent();
    }
}
