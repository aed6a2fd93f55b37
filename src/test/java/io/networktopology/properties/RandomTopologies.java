package io.networktopology.properties;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.networktopology.api.v1alpha1.DnsSpec;
import io.networktopology.api.v1alpha1.IngressPathSpec;
import io.networktopology.api.v1alpha1.IngressRuleSpec;
import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.IngressTLSSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.NetworkTopologySpec;
import io.networktopology.api.v1alpha1.PathType;
import io.networktopology.api.v1alpha1.PortProtocol;
import io.networktopology.api.v1alpha1.ServicePortSpec;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.api.v1alpha1.TrafficPolicy;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.List;
import java.util.Map;

/**
 * Random NetworkTopologies for property tests: mostly well-formed, with the values that sit on or just past every
 * boundary the validator and the CRD check (names of 63 and 64 characters, port 0 and 65536, nodePort 29999 and 32768,
 * wildcard hosts, odd paths, CIDRs that are not), so that both good and bad topologies come out often.
 */
public final class RandomTopologies {

    private RandomTopologies() {
    }

    static Arbitrary<String> dnsLabels() {
        return Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of("web", "db", "admin", "api", "a", "x1", "web-2")),
                Tuple.of(1, Arbitraries.of("", "Web", "-web", "web-", "web.api", "web_api", "a".repeat(63), "a".repeat(64), "1web", "café")),
                Tuple.of(1, Arbitraries.strings().withCharRange('a', 'z').withChars('-', '0').ofMinLength(1).ofMaxLength(20)));
    }

    static Arbitrary<Integer> ports() {
        return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(80, 443, 8080, 5432, 53)), Tuple.of(1, Arbitraries.of(0, 1, 65535, 65536, -1)),
                Tuple.of(3, Arbitraries.integers().between(1, 65535)));
    }

    static Arbitrary<ServicePortSpec> servicePorts() {
        Arbitrary<IntOrString> target = Arbitraries.oneOf(ports().map(IntOrString::new),
                Arbitraries.of("http", "HTTP", "a-very-long-port-name", "", "80").map(IntOrString::new), Arbitraries.just(null));
        Arbitrary<Integer> nodePorts = Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.of(29999, 30000, 30080, 32767, 32768));
        Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.of("http", "https", "dns", "Http", "a-b", "x".repeat(16)));
        return Combinators.combine(names, ports(), target, Arbitraries.of(PortProtocol.class).injectNull(0.5), nodePorts)
                .as((name, port, targetPort, protocol, nodePort) -> {
                    ServicePortSpec spec = new ServicePortSpec();
                    spec.setName(name);
                    spec.setPort(port);
                    spec.setTargetPort(targetPort);
                    spec.setProtocol(protocol);
                    spec.setNodePort(nodePort);
                    return spec;
                });
    }

    static Arbitrary<ServiceSpec> services() {
        Arbitrary<Map<String, String>> selectors = Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.just(Map.of("app", "web")),
                Arbitraries.just(Map.of("app", "")), Arbitraries.just(Map.of("bad key", "x")), Arbitraries.just(Map.of()));
        Arbitrary<String> externalNames = Arbitraries.of("payments.example.com", "", "not a name", "10.0.0.1", "a.b").injectNull(0.6);
        Arbitrary<List<String>> ranges = Arbitraries.<List<String>>of(List.of("203.0.113.0/24"), List.of("10.0.0.0/33"), List.of("nope"), List.of("fd00::/8"))
                .injectNull(0.7);
        return Combinators.combine(dnsLabels(), Arbitraries.of(ServiceType.class).injectNull(0.2), selectors, servicePorts().list().ofMaxSize(3),
                externalNames, Arbitraries.of(TrafficPolicy.class).injectNull(0.8), ranges)
                .as((name, type, selector, ports, externalName, policy, sourceRanges) -> {
                    ServiceSpec spec = new ServiceSpec();
                    spec.setName(name);
                    spec.setType(type);
                    spec.setSelector(selector);
                    spec.setPorts(ports.isEmpty() ? null : ports);
                    spec.setExternalName(externalName);
                    spec.setExternalTrafficPolicy(policy);
                    spec.setLoadBalancerSourceRanges(sourceRanges);
                    return spec;
                });
    }

    static Arbitrary<IngressSpec> ingresses() {
        Arbitrary<String> hosts = Arbitraries.of("shop.example.com", "*.tenants.example.com", "*", "a..b", "Shop.example.com", "1.2.3.4",
                "*.*.example.com", "x".repeat(64) + ".example.com").injectNull(0.2);
        Arbitrary<String> paths = Arbitraries.of("/", "/api", "api", "/a b", "", "/admin/").injectNull(0.1);
        Arbitrary<IngressPathSpec> pathSpecs = Combinators.combine(paths, Arbitraries.of(PathType.class).injectNull(0.5),
                Arbitraries.of("web", "db", "missing", "").injectNull(0.1), Arbitraries.oneOf(ports().map(IntOrString::new),
                        Arbitraries.of("http", "nope").map(IntOrString::new)).injectNull(0.2))
                .as((path, type, service, port) -> {
                    IngressPathSpec spec = new IngressPathSpec();
                    spec.setPath(path);
                    spec.setPathType(type);
                    spec.setService(service);
                    spec.setPort(port);
                    return spec;
                });
        Arbitrary<IngressRuleSpec> rules = Combinators.combine(hosts, pathSpecs.list().ofMaxSize(3)).as((host, list) -> {
            IngressRuleSpec rule = new IngressRuleSpec();
            rule.setHost(host);
            rule.setPaths(list);
            return rule;
        });
        return Combinators.combine(dnsLabels(), Arbitraries.of("nginx", "traefik", "Bad Class").injectNull(0.5), rules.list().ofMaxSize(2),
                Arbitraries.<List<String>>of(List.of("shop.example.com"), List.of("other.example.com"), List.of("*")).injectNull(0.6))
                .as((name, className, ruleList, tlsHosts) -> {
                    IngressSpec spec = new IngressSpec();
                    spec.setName(name);
                    spec.setClassName(className);
                    spec.setRules(ruleList);
                    if (tlsHosts != null) {
                        IngressTLSSpec tls = new IngressTLSSpec();
                        tls.setHosts(tlsHosts);
                        tls.setSecretName("shop-tls");
                        spec.setTls(List.of(tls));
                    }
                    return spec;
                });
    }

    static Arbitrary<DnsSpec> dns() {
        Arbitrary<String> names = Arbitraries.of("www.shop.internal", "www.other.internal", "web.shop.svc.cluster.local", "single", "a..b",
                "WWW.shop.internal", "x.shop.internal");
        Arbitrary<DnsSpec.Alias> aliases = Combinators.combine(names, Arbitraries.of("web", "db", "missing", "")).as((name, service) -> {
            DnsSpec.Alias alias = new DnsSpec.Alias();
            alias.setName(name);
            alias.setService(service);
            return alias;
        });
        Arbitrary<DnsSpec.Host> hosts = Combinators.combine(names, Arbitraries.<List<String>>of(List.of("10.1.2.3"), List.of("fd00::1"),
                List.of("300.1.1.1"), List.of(), List.of("10.1.2.3", "10.1.2.3"))).as((name, addresses) -> {
                    DnsSpec.Host host = new DnsSpec.Host();
                    host.setHostname(name);
                    host.setAddresses(addresses);
                    return host;
                });
        return Combinators.combine(aliases.list().ofMaxSize(2), hosts.list().ofMaxSize(2)).as((a, h) -> {
            DnsSpec dns = new DnsSpec();
            dns.setAliases(a.isEmpty() ? null : a);
            dns.setHosts(h.isEmpty() ? null : h);
            return dns;
        });
    }

    /** A topology in namespace {@code shop} (where the default DNS zone is shop.internal). */
    public static Arbitrary<NetworkTopology> topologies() {
        Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.of("shop", "t1"), Arbitraries.of("a".repeat(63), "a".repeat(64)));
        return Combinators.combine(names, services().list().ofMaxSize(4), ingresses().list().ofMaxSize(2), dns().injectNull(0.5))
                .as((name, services, ingresses, dns) -> {
                    NetworkTopology topology = new NetworkTopology();
                    topology.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("shop").build());
                    NetworkTopologySpec spec = new NetworkTopologySpec();
                    spec.setServices(services.isEmpty() ? null : services);
                    spec.setIngresses(ingresses.isEmpty() ? null : ingresses);
                    spec.setDns(dns);
                    topology.setSpec(spec);
                    return topology;
                });
    }
}
