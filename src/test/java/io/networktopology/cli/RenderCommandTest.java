package io.networktopology.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RenderCommandTest {

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result render(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RenderCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void rendersTheExampleAsServicesYaml() {
        Result result = render("examples/shop.yaml");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.err()).isEmpty();
        List<HasMetadata> objects = Serialization.unmarshal(result.out());
        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactly(
                "Service/web", "Service/db", "Service/admin", "Service/storefront", "Service/payments", "Ingress/shop");
        List<Service> services = objects.stream().filter(Service.class::isInstance).map(Service.class::cast).toList();
        assertThat(services).extracting(s -> s.getMetadata().getName() + ":" + s.getSpec().getType())
                .containsExactly("web:ClusterIP", "db:ClusterIP", "admin:NodePort", "storefront:LoadBalancer", "payments:ExternalName");
        Ingress ingress = (Ingress) objects.get(5);
        assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
        assertThat(ingress.getSpec().getTls().get(0).getSecretName()).isEqualTo("shop-tls");
        assertThat(result.out()).contains("# NetworkTopology shop/shop → Ingress shop");
        assertThat(objects).allSatisfy(o -> assertThat(o.getMetadata().getLabels()).containsEntry("networktopology.io/topology", "shop"));
        assertThat(result.out()).contains("# NetworkTopology shop/shop → Service web");
        assertThat(objects).allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("shop"));
    }

    @Test
    void rendersSeveralDocumentsAndFiles() throws Exception {
        Path file = dir.resolve("two.yaml");
        Files.writeString(file, """
                apiVersion: networktopology.io/v1alpha1
                kind: NetworkTopology
                metadata: {name: a, namespace: one}
                spec:
                  services: [{name: x, ports: [{port: 80}]}]
                ---
                apiVersion: networktopology.io/v1alpha1
                kind: NetworkTopology
                metadata: {name: b, namespace: two}
                spec:
                  services: [{name: y, type: ExternalName, externalName: y.example.com}]
                """);
        Result result = render(file.toString(), "examples/shop.yaml");
        assertThat(result.code()).as(result.err()).isZero();
        List<HasMetadata> objects = Serialization.unmarshal(result.out());
        assertThat(objects).hasSize(8);
        assertThat(objects.get(0).getMetadata().getNamespace()).isEqualTo("one");
        assertThat(((Service) objects.get(1)).getSpec().getExternalName()).isEqualTo("y.example.com");
    }

    @Test
    void invalidInputPrintsEveryProblemWithItsPathAndExitsOne() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                apiVersion: networktopology.io/v1alpha1
                kind: NetworkTopology
                metadata: {name: bad, namespace: shop}
                spec:
                  services:
                  - {name: Web, ports: [{port: 0}]}
                  - {name: db, type: ExternalName}
                """);
        Result result = render(file.toString());
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains(
                "bad.yaml (document 1, bad): 3 problems",
                "spec.services[0].name: \"Web\" is not a valid service name",
                "spec.services[0].ports[0].port: must be between 1 and 65535, got 0",
                "spec.services[1].externalName: externalName is required when type is ExternalName");
    }

    @Test
    void unknownFieldsAndBadEnumsAreErrorsLikeStrictAdmission() throws Exception {
        Path file = dir.resolve("typo.yaml");
        Files.writeString(file, """
                apiVersion: networktopology.io/v1alpha1
                kind: NetworkTopology
                metadata: {name: typo}
                spec:
                  services:
                  - {name: web, prots: [{port: 80}]}
                ---
                apiVersion: networktopology.io/v1alpha1
                kind: NetworkTopology
                metadata: {name: enum}
                spec:
                  services:
                  - {name: web, type: Clusterip, ports: [{port: 80}]}
                """);
        Result result = render(file.toString());
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("spec.services[0].prots: unknown field")
                .contains("spec.services[0].type: unsupported value \"Clusterip\": must be one of ClusterIP, Headless, NodePort, LoadBalancer, ExternalName");
    }

    @Test
    void otherKindsAreRefused() throws Exception {
        Path file = dir.resolve("svc.yaml");
        Files.writeString(file, "apiVersion: v1\nkind: Service\nmetadata: {name: x}\n");
        Result result = render(file.toString());
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("kind: expected NetworkTopology, got \"Service\"");
    }

    @Test
    void rendersTheCorefileTheOperatorWouldWrite() throws Exception {
        Path corefile = Path.of("src/test/resources/corefiles/good/kubeadm.Corefile");
        Result result = render("--corefile", corefile.toString(), "examples/shop.yaml");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).startsWith(".:53 {\n    # >>> network-topology-operator: aliases")
                .contains("    rewrite stop name exact www.shop.internal. web.shop.svc.cluster.local.\n")
                .contains("legacy-db.shop.internal:53 3.2.1.10.in-addr.arpa:53 {");
        assertThat(io.networktopology.dns.CorefilePatch.strip(result.out())).isEqualTo(Files.readString(corefile));

        Result imports = render("--corefile", "src/test/resources/corefiles/good/k3s.Corefile", "examples/shop.yaml");
        assertThat(imports.out()).contains("# network-topology-operator.override\nrewrite stop name exact www.shop.internal.");
    }

    @Test
    void corefileEntriesThePolicyForbidsAreReportedAndExitOne() throws Exception {
        Path file = dir.resolve("cluster-domain.yaml");
        Files.writeString(file, """
                apiVersion: networktopology.io/v1alpha1
                kind: NetworkTopology
                metadata: {name: sneaky, namespace: shop}
                spec:
                  services: [{name: web, ports: [{port: 80}]}]
                  dns:
                    aliases: [{name: kubernetes.default.svc.cluster.local, service: web}]
                """);
        Result result = render("--corefile", "src/test/resources/corefiles/good/kind.Corefile", file.toString());
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("shop/sneaky: Alias kubernetes.default.svc.cluster.local: PolicyViolation: "
                + "kubernetes.default.svc.cluster.local is inside the cluster domain cluster.local");
        assertThat(result.out()).isEqualTo(Files.readString(Path.of("src/test/resources/corefiles/good/kind.Corefile")));
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(render().code()).isEqualTo(2);
        Result missing = render(dir.resolve("nope.yaml").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file");
    }
}
