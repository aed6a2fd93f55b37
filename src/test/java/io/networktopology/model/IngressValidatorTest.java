package io.networktopology.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.IngressTLSSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.PathType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.externalName;
import static io.networktopology.Topologies.ingress;
import static io.networktopology.Topologies.topology;
import static io.networktopology.Topologies.withIngresses;
import static org.assertj.core.api.Assertions.assertThat;

class IngressValidatorTest {

    private static NetworkTopology shop(IngressSpec... ingresses) {
        return withIngresses(topology("shop", "shop", clusterIp("web"), externalName("pay", "pay.example.com")), ingresses);
    }

    static Stream<Arguments> invalidIngresses() {
        return Stream.of(
                bad("backend not declared", i -> i.getRules().get(0).getPaths().get(0).setService("nope"),
                        "spec.ingresses[0].rules[0].paths[0].service", "\"nope\" is not a service declared in this topology"),
                bad("backend port number missing", i -> i.getRules().get(0).getPaths().get(0).setPort(new IntOrString(81)),
                        "spec.ingresses[0].rules[0].paths[0].port", "service \"web\" has no port 81"),
                bad("backend port name missing", i -> i.getRules().get(0).getPaths().get(0).setPort(new IntOrString("https")),
                        "spec.ingresses[0].rules[0].paths[0].port", "service \"web\" has no port named \"https\""),
                bad("uppercase host", i -> i.getRules().get(0).setHost("Shop.example.com"),
                        "spec.ingresses[0].rules[0].host", "must be a lowercase DNS name"),
                bad("wildcard not leftmost", i -> i.getRules().get(0).setHost("shop.*.example.com"),
                        "spec.ingresses[0].rules[0].host", "a wildcard may only be the whole leftmost label"),
                bad("partial wildcard label", i -> i.getRules().get(0).setHost("*shop.example.com"),
                        "spec.ingresses[0].rules[0].host", "a wildcard may only be the whole leftmost label"),
                bad("IPv4 host", i -> i.getRules().get(0).setHost("192.0.2.1"),
                        "spec.ingresses[0].rules[0].host", "is an IP address; a host must be a DNS name"),
                bad("path without slash", i -> i.getRules().get(0).getPaths().get(0).setPath("api"),
                        "spec.ingresses[0].rules[0].paths[0].path", "must start with '/'"),
                bad("Prefix path with //", i -> i.getRules().get(0).getPaths().get(0).setPath("/a//b"),
                        "spec.ingresses[0].rules[0].paths[0].path", "must not contain '//'"),
                bad("Exact path ending in /..", i -> {
                    i.getRules().get(0).getPaths().get(0).setPath("/a/..");
                    i.getRules().get(0).getPaths().get(0).setPathType(PathType.Exact);
                }, "spec.ingresses[0].rules[0].paths[0].path", "nor end with '/.' or '/..'"),
                bad("no rules and no default backend", i -> i.setRules(null),
                        "spec.ingresses[0]", "an ingress needs at least one rule or a defaultBackend"),
                bad("rule without paths", i -> i.getRules().get(0).setPaths(List.of()),
                        "spec.ingresses[0].rules[0].paths", "at least one path is required"),
                bad("bad class name", i -> i.setClassName("Nginx"),
                        "spec.ingresses[0].className", "is not a valid IngressClass name"),
                bad("bad TLS host", i -> i.setTls(List.of(new IngressTLSSpec(List.of("a.*.example.com"), "tls"))),
                        "spec.ingresses[0].tls[0].hosts[0]", "a wildcard may only be the whole leftmost label"),
                bad("bad secret name", i -> i.setTls(List.of(new IngressTLSSpec(List.of("shop.example.com"), "Shop_TLS"))),
                        "spec.ingresses[0].tls[0].secretName", "is not a valid Secret name"));
    }

    private static Arguments bad(String name, Consumer<IngressSpec> change, String path, String message) {
        return Arguments.of(name, change, path, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidIngresses")
    void reportsEachProblemWithItsFieldPath(String name, Consumer<IngressSpec> change, String path, String message) {
        IngressSpec ingress = ingress("shop", "shop.example.com", "/=web:http");
        change.accept(ingress);
        assertThat(TopologyValidator.validate(shop(ingress))).as("problems for: %s", name)
                .anySatisfy(p -> {
                    assertThat(p.path()).isEqualTo(path);
                    assertThat(p.message()).contains(message);
                });
    }

    @Test
    void duplicateRoutesAcrossIngressesOfOneTopologyAreRefused() {
        List<SpecProblem> problems = TopologyValidator.validate(shop(
                ingress("a", "shop.example.com", "/=web:80"),
                ingress("b", "shop.example.com", "/=web:http")));
        assertThat(problems).extracting(SpecProblem::toString).containsExactly(
                "spec.ingresses[1].rules[0].paths[0].path: duplicate route shop.example.com/ (also spec.ingresses[0].rules[0].paths[0]); each host and path may be routed once per topology");
    }

    @Test
    void duplicateIngressNamesAreRefused() {
        assertThat(TopologyValidator.validate(shop(ingress("a", "a.example.com", "/=web:80"), ingress("a", "b.example.com", "/=web:80"))))
                .extracting(SpecProblem::path).containsExactly("spec.ingresses[1].name");
    }

    @Test
    void externalNameBackendsWildcardsAndTlsAreAccepted() {
        IngressSpec ingress = ingress("shop", "*.example.com", "/=web:80", "/pay=pay:443");
        ingress.setTls(List.of(new IngressTLSSpec(List.of("*.example.com", "unused.example.org"), "tls")));
        assertThat(TopologyValidator.validate(shop(ingress))).as("an uncovered TLS host is a warning, not an error").isEmpty();
    }
}
