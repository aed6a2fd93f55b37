package io.networktopology.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.networktopology.dns.Corefile;
import io.networktopology.dns.CorefilePatch;
import io.networktopology.dns.CorefileSyntaxException;
import io.networktopology.dns.DnsPlan;
import io.networktopology.dns.DnsSettings;
import io.networktopology.dns.DnsSync;
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
        args = new ArrayList<>(args);
        String corefile = null;
        int flag = args.indexOf("--corefile");
        if (flag >= 0) {
            if (flag + 1 >= args.size()) {
                err.println("render: --corefile needs a file");
                return USAGE;
            }
            corefile = args.get(flag + 1);
            args.remove(flag + 1);
            args.remove(flag);
        }
        if (args.isEmpty() || args.contains("-h") || args.contains("--help")) {
            (args.isEmpty() ? err : out).println("""
                    usage: render [--corefile COREFILE] FILE...
                      Prints, as multi-document YAML, the Services and Ingresses the operator would create for the
                      NetworkTopology documents in FILE(s) ('-' reads standard input). No cluster needed.
                      With --corefile, prints instead the Corefile the operator would write for their spec.dns
                      entries (default DNS policy of the operator), or for a Corefile importing custom files, the
                      keys it would write into the coredns-custom ConfigMap.
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
        if (corefile != null) {
            return renderCorefile(corefile, documents, out, err);
        }
        out.print(output);
        return OK;
    }

    private static int renderCorefile(String file, List<TopologyFiles.Document> documents, PrintStream out, PrintStream err) {
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("render: " + file + ": cannot read: " + e.getMessage());
            return USAGE;
        }
        List<NetworkTopology> topologies = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            NetworkTopology t = documents.get(i).topology();
            if (t.getMetadata().getNamespace() == null) {
                t.getMetadata().setNamespace("default");
            }
            if (t.getMetadata().getCreationTimestamp() == null) {
                // Offline there is no creation time: the order of the files decides who keeps a contested name.
                t.getMetadata().setCreationTimestamp(java.time.Instant.EPOCH.plusSeconds(i).toString());
            }
            topologies.add(t);
        }
        DnsPlan plan = DnsPlan.of(topologies, DnsSettings.defaults("cluster.local"));
        boolean refused = false;
        for (NetworkTopology t : topologies) {
            for (DnsPlan.EntryResult r : plan.resultsFor(t)) {
                if (r.state() != io.networktopology.api.DnsStatus.EntryState.Applied) {
                    refused = true;
                    err.println(t.getMetadata().getNamespace() + "/" + t.getMetadata().getName() + ": " + r.kind() + " " + r.name()
                            + ": " + r.state() + ": " + r.message());
                }
            }
        }
        try {
            Corefile parsed = Corefile.parse(CorefilePatch.strip(text));
            if (DnsSync.importsCustomFiles(parsed)) {
                String port = CorefilePatch.clusterBlock(parsed).map(Corefile.ServerBlock::portSuffix).orElse("");
                out.println("# The Corefile imports custom files: the operator leaves it alone and writes these keys into the");
                out.println("# coredns-custom ConfigMap, then restarts CoreDNS.");
                out.println("# " + DnsSync.OVERRIDE_KEY);
                CorefilePatch.aliasLines(plan.entries().aliases()).forEach(out::println);
                out.println("# " + DnsSync.SERVER_KEY);
                CorefilePatch.serverBlocks(plan.entries(), port, "\n", "    ").forEach(out::println);
            } else {
                out.print(CorefilePatch.apply(text, plan.entries()));
            }
        } catch (CorefileSyntaxException e) {
            err.println("render: " + file + ": the Corefile cannot be changed: " + e.getMessage());
            return INVALID;
        }
        return refused ? INVALID : OK;
    }
}
