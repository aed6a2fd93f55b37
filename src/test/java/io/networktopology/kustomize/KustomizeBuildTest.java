package io.networktopology.kustomize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.networktopology.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every kustomization in the repository builds offline with {@code kubectl kustomize}, and the install overlay
 * (kustomize/overlays/default) yields exactly the objects the README promises, wired to each other.
 */
class KustomizeBuildTest {

    /** Where kustomizations live. crds/ is one too (installed on its own, before an overlay). */
    static final List<Path> ROOTS = List.of(Path.of("kustomize"), Path.of("config"), Path.of("crds"));
    static final Set<String> KUSTOMIZATION_FILES = Set.of("kustomization.yaml", "kustomization.yml", "Kustomization");

    static final Path DEFAULT_OVERLAY = Path.of("kustomize", "overlays", "default");
    static final String NAMESPACE = "network-topology-system";
    static final Path CRD = Path.of("crds", "networktopologies.networktopology.io-v1.yml");
    static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding");

    static final YAMLMapper YAML = new YAMLMapper();
    static final Map<Path, List<JsonNode>> BUILDS = new HashMap<>();

    static Stream<Path> kustomizations() throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (Path root : ROOTS) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> KUSTOMIZATION_FILES.contains(f.getFileName().toString())).map(Path::getParent).sorted()
                        .forEach(dirs::add);
            }
        }
        assertThat(dirs).as("kustomizations under %s", ROOTS).contains(DEFAULT_OVERLAY);
        return dirs.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void buildsOfflineWithoutDuplicates(Path dir) {
        List<JsonNode> objects = build(dir);

        assertThat(objects).as("objects built from %s", dir).isNotEmpty();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (JsonNode object : objects) {
            assertThat(object.path("apiVersion").asText()).as("apiVersion of %s in %s", object.path("kind"), dir).isNotEmpty();
            assertThat(object.path("kind").asText()).as("a kind in %s", dir).isNotEmpty();
            assertThat(object.path("metadata").path("name").asText()).as("name of a %s in %s", object.path("kind"), dir).isNotEmpty();
            seen.merge(identity(object), 1, Integer::sum);
        }
        assertThat(seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("objects %s yields more than once (group/kind namespace/name)", dir).isEmpty();
    }

    @Test
    void theHaOverlayRunsTwoReplicasWithLeaderElection() {
        List<JsonNode> objects = build(Path.of("kustomize/overlays/ha"));
        JsonNode deployment = ofKind(objects, "Deployment").get(0);
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(deployment.path("spec").path("template").path("spec").path("containers").get(0).path("env").toString())
                .contains("NETWORKTOPOLOGY_LEADER_ELECTION_ENABLED").contains("POD_NAMESPACE");
        JsonNode role = ofKind(objects, "Role").get(0);
        assertThat(role.path("metadata").path("namespace").asText()).isEqualTo("network-topology-system");
        assertThat(role.path("rules").get(0).path("resources").get(0).asText()).isEqualTo("leases");
    }

    @Test
    void defaultOverlayInstallsExactlyTheOperator() {
        List<JsonNode> objects = build(DEFAULT_OVERLAY);

        Set<String> kinds = objects.stream().map(o -> o.path("kind").asText()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(kinds).as("kinds of %s", DEFAULT_OVERLAY)
                .as("the CRD is installed by crds/, never deleted with an overlay").doesNotContain("CustomResourceDefinition")
                .containsExactlyInAnyOrder("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Deployment");
        for (String kind : List.of("Namespace", "ServiceAccount", "Deployment")) {
            assertThat(ofKind(objects, kind)).as("%ss in %s", kind, DEFAULT_OVERLAY).hasSize(1);
        }

        for (JsonNode object : objects) {
            String kind = object.path("kind").asText();
            String what = kind + " " + object.path("metadata").path("name").asText();
            JsonNode namespace = object.path("metadata").path("namespace");
            if (CLUSTER_SCOPED.contains(kind)) {
                assertThat(namespace.isMissingNode() || namespace.isNull()).as("%s is cluster-scoped: no namespace, got %s", what, namespace)
                        .isTrue();
            } else {
                assertThat(namespace.asText()).as("namespace of %s", what).isEqualTo(NAMESPACE);
            }
        }
        assertThat(one(objects, "Namespace").path("metadata").path("name").asText()).isEqualTo(NAMESPACE);

        String serviceAccount = one(objects, "ServiceAccount").path("metadata").path("name").asText();
        for (JsonNode binding : ofKind(objects, "ClusterRoleBinding")) {
            String what = "ClusterRoleBinding " + binding.path("metadata").path("name").asText();
            JsonNode subjects = binding.path("subjects");
            assertThat(subjects.isArray() && subjects.size() > 0).as("%s has subjects", what).isTrue();
            for (JsonNode subject : subjects) {
                assertThat(subject.path("kind").asText()).as("%s subject kind", what).isEqualTo("ServiceAccount");
                assertThat(subject.path("name").asText()).as("%s subject name", what).isEqualTo(serviceAccount);
                assertThat(subject.path("namespace").asText()).as("%s subject namespace", what).isEqualTo(NAMESPACE);
            }
            assertThat(binding.path("roleRef").path("kind").asText()).as("%s roleRef kind", what).isEqualTo("ClusterRole");
            assertThat(ofKind(objects, "ClusterRole").stream().map(r -> r.path("metadata").path("name").asText()))
                    .as("%s roleRef names a ClusterRole of the overlay", what)
                    .contains(binding.path("roleRef").path("name").asText());
        }

        JsonNode pod = one(objects, "Deployment").path("spec").path("template").path("spec");
        assertThat(pod.path("serviceAccountName").asText()).as("the Deployment's serviceAccountName").isEqualTo(serviceAccount);
        JsonNode containers = pod.path("containers");
        assertThat(containers.isArray() && containers.size() > 0).as("the Deployment has containers").isTrue();
        for (JsonNode container : containers) {
            assertThat(container.path("image").asText()).as("image of container %s", container.path("name")).isNotBlank();
        }
    }

    @Test
    void crdsInstallsTheCommittedCrdUnchanged() throws IOException {
        JsonNode committed = YAML.readTree(CRD.toFile());

        JsonNode built = one(build(Path.of("crds")), "CustomResourceDefinition");

        // Compared as parsed objects; numbers by value, as JSON does (kustomize writes the generator's 32767.0 as 32767).
        List<String> differences = new ArrayList<>();
        diff("", committed, built, differences);
        assertThat(differences).as("how the CRD built from crds/ differs from %s", CRD).isEmpty();
    }

    /** Differences between two trees as JSON pointers, numbers compared by value. */
    static void diff(String at, JsonNode expected, JsonNode actual, List<String> differences) {
        String where = at.isEmpty() ? "/" : at;
        if (expected.isNumber() && actual.isNumber()) {
            if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
                differences.add(where + ": " + expected + " became " + actual);
            }
        } else if (expected.isObject() && actual.isObject()) {
            Set<String> names = new TreeSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String child = at + "/" + name.replace("~", "~0").replace("/", "~1");
                if (!expected.has(name)) {
                    differences.add(child + ": added");
                } else if (!actual.has(name)) {
                    differences.add(child + ": missing");
                } else {
                    diff(child, expected.get(name), actual.get(name), differences);
                }
            }
        } else if (expected.isArray() && actual.isArray()) {
            if (expected.size() != actual.size()) {
                differences.add(where + ": " + expected.size() + " items became " + actual.size());
            }
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                diff(at + "/" + i, expected.get(i), actual.get(i), differences);
            }
        } else if (!expected.equals(actual)) {
            differences.add(where + ": " + expected + " became " + actual);
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    static String identity(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        JsonNode metadata = object.path("metadata");
        return group + "/" + object.path("kind").asText() + " " + metadata.path("namespace").asText("") + "/"
                + metadata.path("name").asText();
    }

    static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    static JsonNode one(List<JsonNode> objects, String kind) {
        List<JsonNode> matching = ofKind(objects, kind);
        assertThat(matching).as("%ss", kind).hasSize(1);
        return matching.get(0);
    }

    /** {@code kubectl kustomize DIR}, parsed; once per directory. */
    static synchronized List<JsonNode> build(Path dir) {
        return BUILDS.computeIfAbsent(dir, d -> {
            List<String> command = List.of(kubectl(), "kustomize", d.toString());
            Processes.Result result = run(command);
            if (result.exitCode() != 0) {
                fail("%s failed (exit %d):%n%s", String.join(" ", command), result.exitCode(), result.err());
            }
            try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(result.out())) {
                return documents.readAll().stream().filter(n -> n != null && !n.isNull() && !n.isMissingNode()).toList();
            } catch (IOException e) {
                throw new UncheckedIOException("output of " + String.join(" ", command) + " is not YAML", e);
            }
        });
    }

    private static Optional<String> kubectl;

    /** kubectl from PATH (or /usr/bin/kubectl, or the control plane's); a missing kubectl is a failure, not a skip. */
    static synchronized String kubectl() {
        if (kubectl == null) {
            String path = System.getenv("PATH") == null ? "" : System.getenv("PATH");
            kubectl = Stream.concat(Stream.of(path.split(File.pathSeparator)).filter(p -> !p.isEmpty()), Stream.of("/usr/bin", "/usr/local/bin"))
                    .map(p -> Path.of(p, "kubectl")).filter(Files::isRegularFile).filter(Files::isExecutable).map(Path::toString)
                    .findFirst();
            if (kubectl.isEmpty()) {
                // No kubectl on this machine: use the one built with the test control plane (tools/control-plane).
                try {
                    Path built = io.networktopology.controlplane.ControlPlane.binaries().resolve("kubectl");
                    kubectl = Files.isExecutable(built) ? Optional.of(built.toString()) : Optional.empty();
                } catch (Exception e) {
                    kubectl = Optional.empty();
                }
            }
        }
        if (kubectl.isEmpty()) {
            fail("kubectl not found on PATH: the kustomizations are built with `kubectl kustomize` (kubectl 1.14+, "
                    + "which embeds kustomize). Install kubectl (https://kubernetes.io/docs/tasks/tools/) and put it on PATH.");
        }
        return kubectl.get();
    }

    static Processes.Result run(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // Offline: no cluster is needed or contacted.
        builder.environment().put("KUBECONFIG", "/dev/null");
        return Processes.run(builder, null, Duration.ofSeconds(120));
    }
}
