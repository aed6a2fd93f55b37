package io.networktopology.properties;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.cli.RenderCommand;
import io.networktopology.model.SpecProblem;
import io.networktopology.model.TopologyValidator;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Random topologies, good and bad: the validator never throws and names a field; render never prints a trace. */
class TopologyPropertiesTest {

    @Provide
    Arbitrary<NetworkTopology> topologies() {
        return RandomTopologies.topologies();
    }

    @Property(tries = 2000)
    void theValidatorNeverThrowsAndEveryProblemNamesItsField(@ForAll("topologies") NetworkTopology topology) {
        List<SpecProblem> problems = TopologyValidator.validate(topology);
        Statistics.collect(problems.isEmpty() ? "valid" : "invalid");
        assertThat(problems).allSatisfy(p -> {
            assertThat(p.path()).matches("(spec|metadata)\\..+");
            assertThat(p.message()).isNotBlank().doesNotContain("Exception");
        });
    }

    @Property(tries = 300)
    void renderNeverPrintsAStackTraceOrAJavaTypeName(@ForAll("topologies") NetworkTopology topology) throws Exception {
        Path file = Files.createTempFile("topology-", ".yaml");
        try {
            Files.writeString(file, Serialization.asYaml(topology), StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = RenderCommand.run(List.of(file.toString()), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
            assertThat(code).as(printed).isIn(RenderCommand.OK, RenderCommand.INVALID);
            assertThat(printed).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("java.");
            assertThat(code == RenderCommand.OK).as(printed).isEqualTo(TopologyValidator.validate(topology).isEmpty());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
