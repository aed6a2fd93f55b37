package io.networktopology.model;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.networktopology.api.v1alpha1.IngressBackendSpec;
import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.IngressTLSSpec;
import io.networktopology.api.v1alpha1.PathType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.ingress;
import static io.networktopology.Topologies.topology;
import static io.networktopology.Topologies.withIngresses;
import static org.assertj.core.api.Assertions.assertThat;

class IngressModelTest {

    @Test
    void everyFieldBecomesTheIngress() {
        IngressSpec shop = ingress("shop", "shop.example.com", "/=web:http", "/api=api:8080");
        shop.setClassName("nginx");
        shop.setTls(List.of(new IngressTLSSpec(List.of("shop.example.com"), "shop-tls")));
        shop.setDefaultBackend(new IngressBackendSpec("web", new io.fabric8.kubernetes.api.model.IntOrString(80)));
        shop.getRules().get(0).getPaths().get(1).setPathType(PathType.Exact);
        shop.setLabels(Map.of("team", "a"));
        shop.setAnnotations(Map.of("nginx.ingress.kubernetes.io/ssl-redirect", "true"));
        Ingress ingress = IngressModel.desiredIngresses(withIngresses(topology("shop", "shop", clusterIp("web"), clusterIp("api")), shop)).get(0);

        assertThat(ingress.getMetadata().getName()).isEqualTo("shop");
        assertThat(ingress.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(ingress.getMetadata().getLabels()).containsEntry("team", "a")
                .containsEntry("app.kubernetes.io/managed-by", "network-topology-operator")
                .containsEntry("networktopology.io/topology", "shop");
        assertThat(ingress.getMetadata().getAnnotations()).containsEntry("nginx.ingress.kubernetes.io/ssl-redirect", "true");
        assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
        assertThat(ingress.getSpec().getTls()).singleElement().satisfies(t -> {
            assertThat(t.getHosts()).containsExactly("shop.example.com");
            assertThat(t.getSecretName()).isEqualTo("shop-tls");
        });
        assertThat(ingress.getSpec().getDefaultBackend().getService().getName()).isEqualTo("web");
        assertThat(ingress.getSpec().getDefaultBackend().getService().getPort().getNumber()).isEqualTo(80);
        var rule = ingress.getSpec().getRules().get(0);
        assertThat(rule.getHost()).isEqualTo("shop.example.com");
        assertThat(rule.getHttp().getPaths()).hasSize(2);
        var root = rule.getHttp().getPaths().get(0);
        assertThat(root.getPath()).isEqualTo("/");
        assertThat(root.getPathType()).as("Prefix is the default").isEqualTo("Prefix");
        assertThat(root.getBackend().getService().getName()).isEqualTo("web");
        assertThat(root.getBackend().getService().getPort().getName()).isEqualTo("http");
        assertThat(root.getBackend().getService().getPort().getNumber()).isNull();
        var api = rule.getHttp().getPaths().get(1);
        assertThat(api.getPathType()).isEqualTo("Exact");
        assertThat(api.getBackend().getService().getPort().getNumber()).isEqualTo(8080);
    }

    @Test
    void driftIgnoresOthersMetadataButNotSpecEdits() {
        Ingress want = Applied.configuration(IngressModel.desiredIngresses(withIngresses(topology("shop", "shop", clusterIp("web")),
                ingress("shop", "shop.example.com", "/=web:80"))).get(0), new io.fabric8.kubernetes.api.model.OwnerReference());
        Ingress have = new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder(want).build();
        have.getMetadata().setResourceVersion("7");
        have.getMetadata().getAnnotations().put("kubectl.kubernetes.io/last-applied-configuration", "{}");
        assertThat(Applied.holds(want, have)).isTrue();

        Ingress added = new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder(have).build();
        added.getSpec().getRules().add(new io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder().withHost("evil.example.com").build());
        assertThat(Applied.holds(want, added)).as("a rule someone added: apply replaces the rules whole").isFalse();

        have.getSpec().getRules().get(0).setHost("evil.example.com");
        assertThat(Applied.holds(want, have)).isFalse();
    }
}
