package io.networktopology.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CRD is generated from the API classes (by the Quarkus Operator SDK, whenever the application is built or
 * started for tests) and committed under crds/. This fails when the two differ, so the committed CRD that users
 * install never lags the code. Run with -Dcrds.update=true to copy the generated one over.
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
        if (Boolean.getBoolean("crds.update")) {
            Files.copy(generated, committed, StandardCopyOption.REPLACE_EXISTING);
        }
        assertThat(Files.readString(committed))
                .as("crds/%s differs from the CRD generated from the API classes (%s): "
                        + "run ./mvnw test -Dtest=CrdDriftTest -Dcrds.update=true and commit crds/", FILE, generated)
                .isEqualTo(Files.readString(generated));
    }
}
