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

    record Result(int code, String out, String err) {
    }

    /** render in this JVM with these arguments: its exit status, standard output and standard error. */
    static Result render(String... args) {
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
                  services: [{name: "y", type: ExternalName, externalName: y.example.com}]
                """);
        Result result = render(file.toString(), "examples/shop.yaml");
        assertThat(result.code()).as(result.err()).isZero();
        List<HasMetadata> objects = Serialization.unmarshal(result.out());
        assertThat(objects).hasSize(8);
        assertThat(objects.get(0).getMetadata().getNamespace()).isEqualTo("one");
        assertThat(((Service) objects.get(1)).getSpec().getExternalName()).isEqualTo("y.example.com");
    }

    @Test
    void invalidInputPrintsEveryProblemWithItsPlaceAndFieldAndExitsOne() throws Exception {
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
                "bad.yaml (document 1, shop/bad): 3 problems",
                "bad.yaml:6:6: spec.services[0].name: Invalid value: \"Web\": spec.services[0].name in body should match",
                "bad.yaml:6:26: spec.services[0].ports[0].port: Invalid value: 0: spec.services[0].ports[0].port in body should be greater than or equal to 1",
                "bad.yaml:7:5: spec.services[1].externalName: Invalid value: externalName is required when type is ExternalName",
                "render: 1 of 1 topology is invalid");
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
        assertThat(result.err()).contains("typo.yaml:6:17: unknown field \"spec.services[0].prots\"")
                .contains("typo.yaml:13:17: spec.services[0].type: Unsupported value: \"Clusterip\": supported values: \"ClusterIP\", \"ExternalName\", \"Headless\"")
                .contains("render: 2 of 2 topologies are invalid");
    }

    /** What the API server refuses, render refuses: YAML 1.1 booleans, strings for numbers, zero thresholds, twice the same key. */
    @Test
    void refusesWhatTheApiServerRefuses() throws Exception {
        Path file = dir.resolve("strict.yaml");
        Files.writeString(file, """
                apiVersion: networktopology.io/v1alpha1
                kind: NetworkTopology
                metadata:
                  name: strict
                  namespace: y
                spec:
                  probes: {failureThreshold: 0}
                  services:
                  - name: web
                    ports: [{port: "80"}]
                  - name: out
                    type: ExternalName
                    externalName: on
                """);
        Result result = render(file.toString());
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains(
                "strict.yaml:5:3: metadata.namespace: Invalid value: true: must be a string (YAML reads unquoted y, n, yes",
                "strict.yaml:7:12: spec.probes.failureThreshold: Invalid value: 0:",
                "strict.yaml:10:14: spec.services[0].ports[0].port: Invalid value: \"string\": spec.services[0].ports[0].port in body must be of type integer",
                "strict.yaml:13:5: spec.services[1].externalName: Invalid value: \"boolean\":");

        Files.writeString(file, """
                apiVersion: networktopology.io/v1alpha1
                kind: NetworkTopology
                metadata: {name: twice}
                spec:
                  services:
                  - name: web
                    name: api
                """);
        Result twice = render(file.toString());
        assertThat(twice.code()).isEqualTo(1);
        assertThat(twice.err().strip()).isEqualTo("render: " + file + ":7:5: duplicate key \"name\" (first at line 6); the API server refuses it");
    }

    @Test
    void malformedYamlIsOneLineWithItsPlace() throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "apiVersion: networktopology.io/v1alpha1\nkind: NetworkTopology\nmetadata: {name: x, namespace: [a}\n");
        Result result = render(file.toString());
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("render: " + file + ":3:34: expected ',' or ']', but got }\n");
    }

    @Test
    void otherDocumentsAreSkippedListsUnwrappedAndTwinsReported() throws Exception {
        Path file = dir.resolve("mixed.yaml");
        Files.writeString(file, """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                ---
                apiVersion: v1
                kind: List
                items:
                - apiVersion: networktopology.io/v1alpha1
                  kind: NetworkTopology
                  metadata: {name: a, namespace: shop, resourceVersion: "12", uid: 3f0c}
                  spec: {services: [{name: web, ports: [{port: 80}]}]}
                  status: {observedGeneration: 1}
                """);
        Result result = render(file.toString());
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).contains("# NetworkTopology shop/a → Service web");

        Result twice = render(file.toString(), file.toString());
        assertThat(twice.code()).isEqualTo(1);
        assertThat(twice.err()).contains("metadata.name: Duplicate value: \"a\": the topology shop/a is also in " + file + ":10:14");

        Path empty = dir.resolve("empty.yaml");
        Files.writeString(empty, "# nothing here\n---\n");
        Result none = render(empty.toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).isEqualTo("render: no NetworkTopology found in " + empty + "\n");
    }

    @Test
    void unicodeComesOutAsUtf8() throws Exception {
        Path file = dir.resolve("unicode.yaml");
        Files.writeString(file, """
                apiVersion: networktopology.io/v1alpha1
                kind: NetworkTopology
                metadata:
                  name: shop
                  namespace: shop
                  annotations: {note: "café → ünïcode 🚀"}
                spec:
                  services: [{name: web, ports: [{port: 80}]}]
                """);
        Result result = render(file.toString());
        assertThat(result.code()).as(result.err()).isZero();
        Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xff, '\n'});
        Result binary = render(file.toString());
        assertThat(binary.code()).isEqualTo(2);
        assertThat(binary.err()).isEqualTo("render: " + file + ": not UTF-8 text\n");
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
    void usageErrorsExitTwoWithOneLine() {
        Result none = render();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).isEqualTo("render: Missing required parameter: 'FILE' (see --help)\n");
        Result missing = render(dir.resolve("nope.yaml").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("render: " + dir.resolve("nope.yaml") + ": no such file\n");
        Result directory = render(dir.toString());
        assertThat(directory.code()).isEqualTo(2);
        assertThat(directory.err()).isEqualTo("render: " + dir + ": is a directory, not a file\n");
        Result twice = render("-", "-");
        assertThat(twice.code()).isEqualTo(2);
        assertThat(twice.err()).isEqualTo("render: standard input ('-') can be read only once (see --help)\n");
        Result corefile = render("--corefile", dir.resolve("Corefile").toString(), "examples/shop.yaml");
        assertThat(corefile.code()).isEqualTo(2);
        assertThat(corefile.err()).isEqualTo("render: --corefile " + dir.resolve("Corefile") + ": no such file\n");
    }

    @Test
    void aMistypedKindOrGroupIsAProblemNotASkip() throws Exception {
        Path file = dir.resolve("typos.yaml");
        Files.writeString(file, """
                apiVersion: networktopology.io/v1alpha1
                kind: NetworkTopolgy
                metadata: {name: a}
                ---
                apiVersion: networktopologies.io/v1
                kind: NetworkTopology
                metadata: {name: b}
                ---
                just: some yaml
                """);
        Result result = render(file.toString());
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains(
                file + ":2:1: kind: Unsupported value: \"NetworkTopolgy\": the group networktopology.io has only NetworkTopology",
                file + ":5:1: apiVersion: Unsupported value: \"networktopologies.io/v1\": this version of the operator serves networktopology.io/v1alpha1",
                "(document 3): skipped a document without apiVersion and kind",
                "render: 2 of 2 topologies are invalid");
    }

    /** A 5 MB value is refused in a line of normal length: the value is cut, its length said. */
    @Test
    void aFiveMegabyteValueIsOneShortProblem() throws Exception {
        Path file = dir.resolve("huge.yaml");
        String huge = "a".repeat(5 * 1024 * 1024);
        Files.writeString(file, """
                apiVersion: networktopology.io/v1alpha1
                kind: NetworkTopology
                metadata: {name: huge, namespace: shop}
                spec:
                  services:
                  - name: web
                    ports: [{port: 80}]
                    selector: {app: "%s"}
                """.formatted(huge));
        Result result = render(file.toString());
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("spec.services[0].selector[app]: \"" + "a".repeat(80) + "…\" (5242880 characters) is not a valid label value");
        assertThat(result.err().length()).isLessThan(1000);
    }
    @Test
    void theIngressesOfATopologyBecomeRoutesOnAGatewayThatRenderAsTheSameBackends(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Result migrated = render("--routes", "infra/edge", "examples/shop.yaml");
        assertThat(migrated.code()).as(migrated.err()).isZero();
        assertThat(migrated.out()).contains("# - ingress shop: className nginx has no equivalent on a route")
                .contains("# - ingress shop: TLS for shop.example.com (Secret shop-tls) belongs to the Gateway")
                .contains("# - ingress shop: host *.tenants.example.com matches one label in an Ingress, one or more in a route");
        // What it prints is a topology render (and the API server) admits, whose routes send the same hosts and paths
        // to the same Services as the Ingress did.
        java.nio.file.Path file = dir.resolve("shop-routes.yaml");
        java.nio.file.Files.writeString(file, migrated.out());
        Result rendered = render(file.toString());
        assertThat(rendered.code()).as(rendered.err()).isZero();
        List<HasMetadata> objects = Serialization.unmarshal(rendered.out());
        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactly(
                "Service/web", "Service/db", "Service/admin", "Service/storefront", "Service/payments", "HTTPRoute/shop-1", "HTTPRoute/shop-2");
        String routes = rendered.out().substring(rendered.out().indexOf("kind: HTTPRoute"));
        assertThat(routes).contains("name: edge", "namespace: infra", "shop.example.com", "'*.tenants.example.com'", "value: /admin",
                "port: 8080", "port: 80");
        assertThat(render("--routes", "not a gateway", "examples/shop.yaml").err()).contains("is not a Gateway's namespace/name");
        assertThat(render("--routes", "infra/edge", "--format", "mermaid", "examples/shop.yaml").code()).isEqualTo(RenderCommand.USAGE);
    }
}
