package io.networktopology.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.networktopology.api.v1alpha1.IPFamily;
import io.networktopology.api.v1alpha1.IPFamilyPolicy;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.api.v1alpha1.TrafficPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.externalName;
import static io.networktopology.Topologies.port;
import static io.networktopology.Topologies.service;
import static io.networktopology.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;

class TopologyValidatorTest {

    /** Each case: a change that breaks one rule of a valid ClusterIP service, the field path, and the message. */
    static Stream<Arguments> invalidServices() {
        return Stream.of(
                bad("name with uppercase", s -> s.setName("Web"), "spec.services[0].name", "is not a valid service name"),
                bad("name starting with a digit", s -> s.setName("1web"), "spec.services[0].name", "DNS-1035"),
                bad("name of 64 characters", s -> s.setName("a".repeat(64)), "spec.services[0].name", "at most 63"),
                bad("missing name", s -> s.setName(null), "spec.services[0].name", "required"),
                bad("port 0", s -> s.getPorts().get(0).setPort(0), "spec.services[0].ports[0].port", "must be between 1 and 65535, got 0"),
                bad("port 70000", s -> s.getPorts().get(0).setPort(70000), "spec.services[0].ports[0].port", "must be between 1 and 65535, got 70000"),
                bad("missing port", s -> s.getPorts().get(0).setPort(null), "spec.services[0].ports[0].port", "required"),
                bad("targetPort 0", s -> s.getPorts().get(0).setTargetPort(new IntOrString(0)), "spec.services[0].ports[0].targetPort", "must be between 1 and 65535"),
                bad("targetPort name too long", s -> s.getPorts().get(0).setTargetPort(new IntOrString("a-very-long-port-name")), "spec.services[0].ports[0].targetPort", "neither a port number nor a container port name"),
                bad("targetPort name without letters", s -> s.getPorts().get(0).setTargetPort(new IntOrString("8080x".replace("x", "-1"))), "spec.services[0].ports[0].targetPort", "container port name"),
                bad("nodePort on ClusterIP", s -> s.getPorts().get(0).setNodePort(30080), "spec.services[0].ports[0].nodePort", "nodePort is allowed only for NodePort and LoadBalancer services"),
                bad("nodePort below range", s -> { s.setType(ServiceType.NodePort); s.getPorts().get(0).setNodePort(29999); }, "spec.services[0].ports[0].nodePort", "must be between 30000 and 32767, got 29999"),
                bad("duplicate nodePort", s -> { s.setType(ServiceType.NodePort); s.getPorts().get(0).setNodePort(30080); s.getPorts().add(port("b", 81, 81)); s.getPorts().get(1).setNodePort(30080); }, "spec.services[0].ports[1].nodePort", "nodePort and protocol must be unique within a service"),
                bad("two ports, one unnamed", s -> s.getPorts().add(port(null, 81, 81)), "spec.services[0].ports[1].name", "every port needs a name when a service has more than one port"),
                bad("duplicate port names", s -> s.getPorts().add(port("http", 81, 81)), "spec.services[0].ports[1].name", "port names must be unique within a service"),
                bad("duplicate port and protocol", s -> s.getPorts().add(port("other", 80, 81)), "spec.services[0].ports[1].port", "duplicate port 80/TCP"),
                bad("bad port name", s -> s.getPorts().get(0).setName("HTTP"), "spec.services[0].ports[0].name", "is not a valid port name"),
                bad("no ports on ClusterIP", s -> s.setPorts(null), "spec.services[0].ports", "ports are required for ClusterIP, NodePort and LoadBalancer services"),
                bad("externalName on ClusterIP", s -> s.setExternalName("x.example.com"), "spec.services[0].externalName", "not allowed for other types"),
                bad("externalTrafficPolicy on ClusterIP", s -> s.setExternalTrafficPolicy(TrafficPolicy.Local), "spec.services[0].externalTrafficPolicy", "allowed only for NodePort and LoadBalancer"),
                bad("loadBalancerClass on NodePort", s -> { s.setType(ServiceType.NodePort); s.setLoadBalancerClass("example.com/lb"); }, "spec.services[0]", "allowed only for LoadBalancer services"),
                bad("source range that is not a CIDR", s -> { s.setType(ServiceType.LoadBalancer); s.setLoadBalancerSourceRanges(List.of("10.0.0.0/33")); }, "spec.services[0].loadBalancerSourceRanges[0]", "is not a CIDR"),
                bad("source range with a three-part address", s -> { s.setType(ServiceType.LoadBalancer); s.setLoadBalancerSourceRanges(List.of("10.0.0/8")); }, "spec.services[0].loadBalancerSourceRanges[0]", "is not a CIDR"),
                bad("two families with SingleStack", s -> { s.setIpFamilies(List.of(IPFamily.IPv4, IPFamily.IPv6)); s.setIpFamilyPolicy(IPFamilyPolicy.SingleStack); }, "spec.services[0].ipFamilyPolicy", "PreferDualStack or RequireDualStack"),
                bad("repeated family", s -> { s.setIpFamilies(List.of(IPFamily.IPv4, IPFamily.IPv4)); s.setIpFamilyPolicy(IPFamilyPolicy.RequireDualStack); }, "spec.services[0].ipFamilies", "must not repeat a family"),
                bad("bad selector key", s -> s.setSelector(Map.of("app/", "web")), "spec.services[0].selector[app/]", "is not a valid key"),
                bad("bad selector value", s -> s.setSelector(Map.of("app", "-web")), "spec.services[0].selector[app]", "is not a valid label value"),
                bad("reserved label", s -> s.setLabels(Map.of("networktopology.io/topology", "other")), "spec.services[0].labels[networktopology.io/topology]", "is set by the operator"),
                bad("bad annotation key", s -> s.setAnnotations(Map.of("bad key", "x")), "spec.services[0].annotations[bad key]", "is not a valid key"));
    }

    private static Arguments bad(String name, Consumer<ServiceSpec> change, String path, String message) {
        return Arguments.of(name, change, path, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidServices")
    void reportsEachProblemWithItsFieldPath(String name, Consumer<ServiceSpec> change, String path, String message) {
        ServiceSpec service = clusterIp("web");
        change.accept(service);
        List<SpecProblem> problems = TopologyValidator.validate(topology("shop", "shop", service));
        assertThat(problems).as("problems for: %s", name)
                .anySatisfy(p -> {
                    assertThat(p.path()).isEqualTo(path);
                    assertThat(p.message()).contains(message);
                });
    }

    @Test
    void externalNameNeedsItsTargetAndNothingElse() {
        ServiceSpec missing = externalName("db", null);
        ServiceSpec withSelector = externalName("db2", "db.example.com");
        withSelector.setSelector(Map.of("app", "db"));
        ServiceSpec badName = externalName("db3", "not_a_host");
        List<SpecProblem> problems = TopologyValidator.validate(topology("shop", "shop", missing, withSelector, badName));
        assertThat(problems).extracting(SpecProblem::toString).containsExactly(
                "spec.services[0].externalName: externalName is required when type is ExternalName and not allowed for other types",
                "spec.services[1]: an ExternalName service takes no selector and no ports",
                "spec.services[2].externalName: \"not_a_host\" is not a valid DNS name (lowercase RFC 1123 subdomain, at most 253 characters)");
    }

    @Test
    void aNameThatCannotBeALabelValueIsRefused() {
        NetworkTopology topology = topology("shop", "a".repeat(64), clusterIp("web"));
        assertThat(TopologyValidator.validate(topology)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("metadata.name");
            assertThat(p.message()).startsWith("must be at most 63 characters").endsWith("(got 64)");
        });
        assertThat(TopologyValidator.validate(topology("shop", "a".repeat(63), clusterIp("web")))).isEmpty();
    }

    @Test
    void duplicateServiceNamesPointAtTheSecond() {
        List<SpecProblem> problems = TopologyValidator.validate(topology("shop", "shop", clusterIp("web"), clusterIp("api"), clusterIp("web")));
        assertThat(problems).extracting(SpecProblem::toString).containsExactly(
                "spec.services[2].name: duplicate service name \"web\" (also spec.services[0]); service names must be unique within a topology");
    }

    @Test
    void acceptsEveryServiceType() {
        ServiceSpec headless = service("db", ServiceType.Headless);
        headless.setPorts(null);
        ServiceSpec nodePort = service("admin", ServiceType.NodePort, port("http", 80, 8080));
        nodePort.getPorts().get(0).setNodePort(30080);
        nodePort.setExternalTrafficPolicy(TrafficPolicy.Local);
        ServiceSpec lb = service("lb", ServiceType.LoadBalancer, port("https", 443, 8443));
        lb.setLoadBalancerClass("example.com/lb");
        lb.setLoadBalancerSourceRanges(List.of("203.0.113.0/24", "2001:db8::/32"));
        ServiceSpec dual = clusterIp("dual");
        dual.setIpFamilies(List.of(IPFamily.IPv6, IPFamily.IPv4));
        dual.setIpFamilyPolicy(IPFamilyPolicy.RequireDualStack);
        dual.getPorts().get(0).setTargetPort(new IntOrString("http"));
        NetworkTopology topology = topology("shop", "shop", clusterIp("web"), headless, nodePort, lb, dual,
                externalName("payments", "payments.example.com"));
        assertThat(TopologyValidator.validate(topology)).isEmpty();
    }

    @Test
    void dnsEntriesAreCheckedWithTheirPaths() {
        NetworkTopology topology = topology("shop", "shop", clusterIp("web"));
        io.networktopology.api.v1alpha1.DnsSpec dns = new io.networktopology.api.v1alpha1.DnsSpec();
        dns.setAliases(List.of(new io.networktopology.api.v1alpha1.DnsSpec.Alias("web.shop.internal", "nope"),
                new io.networktopology.api.v1alpha1.DnsSpec.Alias("Web", "web")));
        dns.setHosts(List.of(new io.networktopology.api.v1alpha1.DnsSpec.Host("web.shop.internal", List.of("10.1.2.300", "fd00::1", "example.com"))));
        dns.setStubDomains(List.of(new io.networktopology.api.v1alpha1.DnsSpec.StubDomain("corp.example",
                List.of("10.0.0.53", "10.0.0.53:5353", "[fd00::53]:53", "10.0.0.53:99999", "dns.example.com"))));
        topology.getSpec().setDns(dns);
        assertThat(TopologyValidator.validate(topology)).extracting(SpecProblem::toString).containsExactly(
                "spec.dns.aliases[0].service: \"nope\" is not a service declared in this topology",
                "spec.dns.aliases[1].name: \"Web\" is not a valid DNS name: lowercase labels separated by dots, at least two labels",
                "spec.dns.hosts[0].hostname: duplicate name \"web.shop.internal\" (also spec.dns.aliases[0].name)",
                "spec.dns.hosts[0].addresses[0]: \"10.1.2.300\" is not an IPv4 or IPv6 address",
                "spec.dns.hosts[0].addresses[2]: \"example.com\" is not an IPv4 or IPv6 address",
                "spec.dns.stubDomains[0].upstreams[3]: \"10.0.0.53:99999\" is not an upstream: use IP, IP:port or [IPv6]:port",
                "spec.dns.stubDomains[0].upstreams[4]: \"dns.example.com\" is not an upstream: use IP, IP:port or [IPv6]:port");
    }

    @Test
    void anEmptySpecIsValid() {
        NetworkTopology topology = topology("shop", "shop");
        topology.setSpec(null);
        assertThat(TopologyValidator.validate(topology)).isEmpty();
    }
}
