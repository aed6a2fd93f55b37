package io.networktopology.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.networktopology.model.IngressModel;
import io.networktopology.api.NetworkTopology;
import io.networktopology.model.ServiceModel;
import io.networktopology.model.SpecProblem;
import io.networktopology.model.TopologyValidator;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code render FILE...}: prints the objects the operator would create for the topologies in the files, with no
 * cluster. Uses the same model code as the operator. Exit 0 when every topology is valid, 1 when any is not
 * (every problem printed with its field path), 2 on a usage or I/O error.
 */
public final class RenderCommand {

    public static final int OK = 0;
    public static final int INVALID = 1;
    public static final int USAGE = 2;

    private RenderCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.contains("-h") || args.contains("--help")) {
            (args.isEmpty() ? err : out).println("""
                    usage: render FILE...
                      Prints, as multi-document YAML, the Services and Ingresses the operator would create for the
                      NetworkTopology documents in FILE(s) ('-' reads standard input). No cluster needed.
                      Exit status: 0 all valid, 1 invalid input (each problem printed with its field path), 2 usage or I/O error.""");
            return args.isEmpty() ? USAGE : OK;
        }
        List<TopologyFiles.Document> documents = new ArrayList<>();
        for (String file : args) {
            try (Reader reader = "-".equals(file)
                    ? new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8)
                    : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                documents.addAll(TopologyFiles.read(file, reader));
            } catch (java.nio.file.NoSuchFileException e) {
                err.println("render: " + file + ": no such file");
                return USAGE;
            } catch (IOException e) {
                err.println("render: " + file + ": cannot read YAML: " + e.getMessage().lines().findFirst().orElse(""));
                return INVALID;
            }
        }
        boolean invalid = false;
        StringBuilder output = new StringBuilder();
        for (TopologyFiles.Document document : documents) {
            List<SpecProblem> problems = new ArrayList<>(document.problems());
            if (document.topology() != null) {
                problems.addAll(TopologyValidator.validate(document.topology()));
            }
            if (!problems.isEmpty()) {
                invalid = true;
                err.println(document.label() + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems"));
                problems.forEach(p -> err.println("  " + p));
                continue;
            }
            NetworkTopology topology = document.topology();
            List<HasMetadata> objects = new ArrayList<>(ServiceModel.desiredServices(topology));
            objects.addAll(IngressModel.desiredIngresses(topology));
            for (HasMetadata object : objects) {
                output.append("---\n# NetworkTopology ").append(ServiceModel.namespaceOf(topology)).append('/')
                        .append(topology.getMetadata().getName()).append(" → ").append(object.getKind()).append(' ')
                        .append(object.getMetadata().getName()).append('\n');
                output.append(Yaml.print(object));
            }
        }
        if (invalid) {
            return INVALID;
        }
        out.print(output);
        return OK;
    }
}
