package io.networktopology.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CRD is generated from the API classes (by the Quarkus Operator SDK, whenever the application is built or
 * started for tests) and committed under crds/. This fails when the two differ, so the committed CRD that users
 * install never lags the code. Run with -Dcrds.update=true to copy the generated one over. The generator sorts the
 * printer columns by jsonPath; the committed CRD has them in the order the API class declares them, which is the order
 * {@code kubectl get} shows.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class CrdDriftTest {

    static final String FILE = "networktopologies.networktopology.io-v1.yml";

    @Test
    void committedCrdIsTheGeneratedOne() throws IOException {
        Path generated = Path.of("target", "kubernetes", FILE);
        Path committed = Path.of("crds", FILE);
        assertThat(generated).as("the Quarkus Operator SDK generates the CRD when the application starts").exists();
        String expected = inDeclaredColumnOrder(Files.readString(generated));
        if (Boolean.getBoolean("crds.update")) {
            Files.writeString(committed, expected);
        }
        assertThat(Files.readString(committed))
                .as("crds/%s differs from the CRD generated from the API classes (%s): "
                        + "run ./mvnw test -Dtest=CrdDriftTest -Dcrds.update=true and commit crds/", FILE, generated)
                .isEqualTo(expected);
    }

    /** The CRD text with its additionalPrinterColumns items in the order of the class's @AdditionalPrinterColumn. */
    static String inDeclaredColumnOrder(String crd) {
        List<String> order = Arrays.stream(NetworkTopology.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name).toList();
        List<String> lines = new ArrayList<>(List.of(crd.split("\n", -1)));
        int header = lines.indexOf(lines.stream().filter(l -> l.trim().endsWith("additionalPrinterColumns:")).findFirst().orElseThrow());
        String indent = lines.get(header + 1).substring(0, lines.get(header + 1).indexOf("- "));
        // Each item: its "- jsonPath" line and the lines indented under it.
        List<List<String>> items = new ArrayList<>();
        int end = header + 1;
        while (end < lines.size() && (lines.get(end).startsWith(indent + "- ") || lines.get(end).startsWith(indent + "  "))) {
            if (lines.get(end).startsWith(indent + "- ")) {
                items.add(new ArrayList<>());
            }
            items.get(items.size() - 1).add(lines.get(end++));
        }
        assertThat(items).as("printer columns in the generated CRD").hasSize(order.size());
        items.sort(Comparator.comparingInt(item -> order.indexOf(item.stream().map(String::trim)
                .filter(l -> l.startsWith("name: ") || l.startsWith("- name: ")).findFirst().orElseThrow()
                .replaceFirst("^(- )?name: \"(.*)\"$", "$2"))));
        List<String> sorted = new ArrayList<>(lines.subList(0, header + 1));
        items.forEach(sorted::addAll);
        sorted.addAll(lines.subList(end, lines.size()));
        return String.join("\n", sorted);
    }
}
