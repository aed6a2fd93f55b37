package io.networktopology.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.networktopology.api.Admission;
import io.networktopology.api.v1alpha1.DnsStatus;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.dns.Corefile;
import io.networktopology.dns.CorefilePatch;
import io.networktopology.dns.CorefileSyntaxException;
import io.networktopology.dns.DnsPlan;
import io.networktopology.dns.DnsSettings;
import io.networktopology.dns.DnsSync;
import io.networktopology.model.GatewayRouteModel;
import io.networktopology.model.IngressModel;
import io.networktopology.model.ServiceModel;
import io.networktopology.model.SpecProblem;
import io.networktopology.model.TopologyValidator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code render FILE...}: prints the objects the operator would create for the topologies in the files, with no
 * cluster. A topology is admitted as the API server would (the CRD's schema and CEL rules), then checked by the
 * operator's own validator, then rendered by the operator's model code. Exit 0 when every topology is valid, 1 when
 * any is not (each problem printed as {@code file:line:column: field: reason}), 2 on a usage or I/O error.
 */
@Command(name = "render", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class, sortOptions = false,
        description = {
            "Prints, as multi-document YAML, the Services, Ingresses and Gateway API routes the operator would create for the NetworkTopology "
                    + "documents in FILE(s), or draws them (--format mermaid|dot). No cluster needed. Other documents (a "
                    + "Namespace, ...) are skipped; a 'kind: List' (kubectl get -o yaml) is unwrapped.",
            "Each topology is checked as the API server would admit it (the CRD's schema and CEL rules) and as the "
                    + "operator would (its validator); every problem is printed as FILE:LINE:COLUMN: FIELD: REASON.",
            "Exit status: 0 all valid, 1 invalid input, 2 usage or I/O error."})
public final class RenderCommand implements Callable<Integer> {

    public static final int OK = Cli.OK;
    public static final int INVALID = Cli.FAILED;
    public static final int USAGE = Cli.USAGE;

    @ParentCommand
    Cli cli;
    @Spec
    CommandSpec spec;

    @Option(names = "--corefile", paramLabel = "COREFILE",
            description = "Print instead the Corefile the operator would write for the topologies' spec.dns, starting from "
                    + "COREFILE ('-' reads standard input, e.g. from kubectl get cm coredns -n kube-system -o "
                    + "jsonpath='{.data.Corefile}'). Uses the operator's DNS settings: application.properties and the "
                    + "same environment variables (NETWORKTOPOLOGY_DNS_STUB_DOMAIN_NAMESPACES, ...).")
    String corefile;

    /** What render prints. */
    public enum Format { yaml, mermaid, dot }

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "yaml",
            description = "yaml (default): the objects; mermaid or dot: a diagram of what the topologies become (entry points, "
                    + "Services, pods, DNS names), coloured by their probe results when the input is live "
                    + "(kubectl get ntopo NAME -o yaml | ... render --format mermaid -)")
    Format format;

    @Option(names = "--routes", paramLabel = "GATEWAY",
            description = "Print instead each topology with its spec.ingresses turned into Gateway API routes (spec.httpRoutes) "
                    + "attached to GATEWAY (namespace/name), ready to apply; what has no equivalent in a route (the class, TLS, "
                    + "controller annotations) is said in comments above it.")
    String routes;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "YAML files; '-' reads standard input")
    List<String> files;

    /** For tests and callers in the JVM: {@code render} with these arguments. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        List<String> all = new ArrayList<>();
        all.add("render");
        all.addAll(args);
        return Cli.execute(out, err, all.toArray(String[]::new));
    }

    @Override
    public Integer call() {
        PrintStream out = cli.out;
        PrintStream err = cli.err;
        if (routes != null && (corefile != null || format != Format.yaml)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--routes prints topologies: it does not go with "
                    + (corefile != null ? "--corefile" : "--format " + format));
        }
        if (routes != null && !routes.matches("([a-z0-9]([-a-z0-9]*[a-z0-9])?/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--routes: '" + routes + "' is not a Gateway's namespace/name");
        }
        if (corefile != null && format != Format.yaml) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--corefile prints a Corefile: it does not go with --format " + format);
        }
        long stdin = files.stream().filter("-"::equals).count() + ("-".equals(corefile) ? 1 : 0);
        if (stdin > 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "standard input ('-') can be read only once");
        }
        // One document at a time: the output is kept (nothing is printed when any topology is invalid), the parsed
        // documents are not. Only --corefile keeps the topologies, for the DNS plan across all of them.
        StringBuilder output = new StringBuilder();
        boolean keep = corefile != null || format != Format.yaml || routes != null;
        Checker checker = new Checker(err, topology -> {
            if (!keep) {
                appendObjects(topology, output);
            }
            return keep;
        });
        for (String file : files) {
            try (Reader reader = open(file)) {
                TopologyFiles.read("-".equals(file) ? "<stdin>" : file, reader, checker::check);
            } catch (UsageError e) {
                err.println("render: " + e.getMessage());
                return USAGE;
            } catch (TopologyFiles.SyntaxError e) {
                err.println("render: " + e.getMessage());
                return INVALID;
            } catch (IOException e) {
                err.println("render: " + file + ": " + readProblem(e));
                return USAGE;
            }
        }
        if (checker.valid == 0 && checker.invalid == 0) {
            err.println("render: no NetworkTopology found in " + String.join(", ", files));
            return INVALID;
        }
        if (checker.invalid > 0) {
            int all = checker.invalid + checker.valid;
            err.println("render: " + checker.invalid + " of " + all + (all == 1 ? " topology is" : " topologies are") + " invalid");
            return INVALID;
        }
        if (corefile != null) {
            return renderCorefile(checker.kept, out, err);
        }
        if (routes != null) {
            for (NetworkTopology topology : checker.kept) {
                IngressMigration.Result migrated = IngressMigration.of(topology, routes);
                output.append("---\n# NetworkTopology ").append(ServiceModel.namespaceOf(topology)).append('/')
                        .append(topology.getMetadata().getName()).append(": spec.ingresses as Gateway API routes on ").append(routes).append('\n');
                migrated.notes().forEach(note -> output.append("# - ").append(note).append('\n'));
                output.append(Yaml.print(migrated.topology()));
            }
        } else if (format == Format.mermaid) {
            output.append(TopologyDiagram.of(checker.kept).mermaid());
        } else if (format == Format.dot) {
            output.append(TopologyDiagram.of(checker.kept).dot());
        }
        out.print(output);
        out.flush();
        return OK;
    }

    private static void appendObjects(NetworkTopology topology, StringBuilder output) {
        List<HasMetadata> objects = new ArrayList<>(ServiceModel.desiredServices(topology));
        objects.addAll(IngressModel.desiredIngresses(topology));
        // Offline there is no cluster to ask which versions it serves: the Gateway API v1.4 ones (HTTP and gRPC routes
        // in the standard channel's v1, the others in the experimental channel's v1alpha2). The operator writes the
        // version the cluster serves.
        for (GatewayRouteModel.Kind kind : GatewayRouteModel.Kind.values()) {
            objects.addAll(GatewayRouteModel.desiredRoutes(topology, kind, GatewayRouteModel.GROUP + "/"
                    + (kind == GatewayRouteModel.Kind.HTTPRoute || kind == GatewayRouteModel.Kind.GRPCRoute ? "v1" : "v1alpha2")));
        }
        for (HasMetadata object : objects) {
            output.append("---\n# NetworkTopology ").append(ServiceModel.namespaceOf(topology)).append('/')
                    .append(topology.getMetadata().getName()).append(" → ").append(object.getKind()).append(' ')
                    .append(object.getMetadata().getName()).append('\n');
            output.append(Yaml.print(object));
        }
    }

    /**
     * Checks one document at a time: the problems are printed, each valid topology goes to {@code sink} (which says
     * whether to keep it). Remembers only where each name was first seen, to report the same topology twice.
     */
    static final class Checker {
        private final PrintStream err;
        private final java.util.function.Predicate<NetworkTopology> sink;
        private final Map<String, String> seen = new HashMap<>();
        final List<NetworkTopology> kept = new ArrayList<>();
        int valid;
        int invalid;

        Checker(PrintStream err, java.util.function.Predicate<NetworkTopology> sink) {
            this.err = err;
            this.sink = sink;
        }

        void check(TopologyFiles.Document document) {
            if (!(document.data() instanceof Map)) {
                err.println("render: " + document.label() + ": skipped a document that is not an object");
                return;
            }
            boolean ourGroup = document.apiVersion().startsWith(NetworkTopology.GROUP + "/");
            if (!NetworkTopology.KIND.equals(document.kind()) && !ourGroup) {
                // Other objects of a manifest (its Namespace, the backends) are not render's business; a document
                // without apiVersion and kind is not a Kubernetes object at all, which is worth a word.
                if (document.kind().isEmpty() && document.apiVersion().isEmpty()) {
                    err.println("render: " + document.label() + ": skipped a document without apiVersion and kind");
                }
                return;
            }
            List<String> problems = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            if (!NetworkTopology.KIND.equals(document.kind())) {
                problems.add(document.at("kind") + ": kind: Unsupported value: \"" + document.kind() + "\": the group "
                        + NetworkTopology.GROUP + " has only " + NetworkTopology.KIND);
            } else if (!NetworkTopology.API_VERSION.equals(document.apiVersion())) {
                problems.add(document.at("apiVersion") + ": apiVersion: Unsupported value: \"" + document.apiVersion()
                        + "\": this version of the operator serves " + NetworkTopology.API_VERSION);
            } else {
                problems.addAll(metadataProblems(document));
                String key = (document.namespace().isEmpty() ? "default" : document.namespace()) + "/" + document.name();
                String first = document.name().isEmpty() ? null : seen.putIfAbsent(key, document.at("metadata.name"));
                if (first != null) {
                    problems.add(document.at("metadata.name") + ": metadata.name: Duplicate value: \"" + document.name()
                            + "\": the topology " + key + " is also in " + first + " (the second would replace the first)");
                }
                boolean unchecked = false;
                for (Admission.Error error : Admission.admit(document.data())) {
                    if (error.text().startsWith("<nil>")) {
                        unchecked = true; // the API server's own note that its CEL rules did not run
                        continue;
                    }
                    problems.add(document.at(error.field()) + ": " + error.text()
                            + (error.text().endsWith("must be of type string: \"boolean\"") ? QUOTE_BOOLEANS : ""));
                }
                if (unchecked) {
                    notes.add("the CRD's CEL rules are checked once these are fixed, as the API server does");
                }
                if (problems.isEmpty()) {
                    NetworkTopology topology;
                    try {
                        topology = TopologyFiles.topology(document.data());
                    } catch (IllegalArgumentException e) {
                        problems.add(document.at("") + ": " + Cli.oneLine(e.getMessage()));
                        topology = null;
                    }
                    if (topology != null) {
                        for (SpecProblem problem : TopologyValidator.validate(topology)) {
                            problems.add(document.at(problem.path()) + ": " + problem);
                        }
                        if (problems.isEmpty()) {
                            valid++;
                            if (sink.test(topology)) {
                                kept.add(topology);
                            }
                        }
                    }
                }
            }
            if (!problems.isEmpty()) {
                invalid++;
                err.println(document.label() + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems"));
                problems.forEach(p -> err.println("  " + shorten(p)));
                notes.forEach(n -> err.println("  (" + n + ")"));
            }
        }
    }

    /** A problem line with every quoted value of more than 120 characters cut to its first 80, and its length said. */
    static String shorten(String line) {
        if (line.length() <= 200) {
            return line;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c != '"') {
                out.append(c);
                i++;
                continue;
            }
            int end = i + 1;
            while (end < line.length() && line.charAt(end) != '"') {
                end += line.charAt(end) == '\\' ? 2 : 1;
            }
            int length = Math.min(end, line.length()) - i - 1;
            if (length > 120) {
                out.append('"').append(line, i + 1, i + 81).append("…\" (").append(length).append(" characters)");
            } else {
                out.append(line, i, Math.min(end + 1, line.length()));
            }
            i = end + 1;
        }
        return out.toString();
    }

    private static final String QUOTE_BOOLEANS = " (YAML reads unquoted y, n, yes, no, on, off, true and false as"
            + " booleans, as the API server does: quote the value)";

    /** What the API server's decoder refuses in metadata before any schema: fields of the wrong type. */
    @SuppressWarnings("unchecked")
    private static List<String> metadataProblems(TopologyFiles.Document document) {
        List<String> problems = new ArrayList<>();
        Object metadata = ((Map<String, Object>) document.data()).get("metadata");
        if (!(metadata instanceof Map<?, ?> fields)) {
            problems.add(document.at("metadata") + ": metadata: Required value: name or generateName is required");
            return problems;
        }
        for (String field : List.of("name", "namespace", "generateName")) {
            Object value = fields.get(field);
            if (value != null && !(value instanceof String)) {
                problems.add(document.at("metadata." + field) + ": metadata." + field + ": Invalid value: " + value
                        + ": must be a string" + (value instanceof Boolean ? QUOTE_BOOLEANS : ""));
            }
        }
        if (document.name().isEmpty() && fields.get("generateName") == null) {
            problems.add(document.at("metadata") + ": metadata.name: Required value: name or generateName is required");
        }
        for (String field : List.of("labels", "annotations")) {
            Object value = fields.get(field);
            if (value != null && !(value instanceof Map)) {
                problems.add(document.at("metadata." + field) + ": metadata." + field + ": Invalid value: must be a map of strings");
            } else if (value instanceof Map<?, ?> map) {
                map.forEach((k, v) -> {
                    if (!(v instanceof String)) {
                        problems.add(document.at("metadata." + field + "." + k) + ": metadata." + field + "[" + k + "]: Invalid value: "
                                + v + ": must be a string" + (v instanceof Boolean ? QUOTE_BOOLEANS : ""));
                    }
                });
            }
        }
        return problems;
    }

    private int renderCorefile(List<NetworkTopology> topologies, PrintStream out, PrintStream err) {
        String text;
        try (Reader reader = open(corefile)) {
            java.io.StringWriter read = new java.io.StringWriter();
            reader.transferTo(read);
            text = read.toString();
        } catch (UsageError e) {
            err.println("render: --corefile " + e.getMessage());
            return USAGE;
        } catch (IOException e) {
            err.println("render: --corefile " + corefile + ": " + readProblem(e));
            return USAGE;
        }
        DnsSettings settings;
        try {
            settings = DnsSettings.from(io.networktopology.config.OperatorConfig.read(java.util.Map.of(), true));
        } catch (RuntimeException e) {
            // IllegalArgumentException from the settings' checks, SmallRye's exceptions for a value it cannot convert.
            err.println("render: the operator's DNS settings: " + Cli.oneLine(String.valueOf(e.getMessage())));
            return USAGE;
        }
        for (int i = 0; i < topologies.size(); i++) {
            NetworkTopology t = topologies.get(i);
            if (t.getMetadata().getNamespace() == null) {
                t.getMetadata().setNamespace("default");
            }
            if (t.getMetadata().getCreationTimestamp() == null) {
                // Offline there is no creation time: the order of the files decides who keeps a contested name.
                t.getMetadata().setCreationTimestamp(java.time.Instant.EPOCH.plusSeconds(i).toString());
            }
        }
        DnsPlan plan = DnsPlan.of(topologies, settings);
        boolean refused = false;
        for (NetworkTopology t : topologies) {
            for (DnsPlan.EntryResult r : plan.resultsFor(t)) {
                if (r.state() != DnsStatus.EntryState.Applied) {
                    refused = true;
                    err.println(t.getMetadata().getNamespace() + "/" + t.getMetadata().getName() + ": " + r.kind() + " " + r.name()
                            + ": " + r.state() + ": " + r.message());
                }
            }
        }
        String name = "-".equals(corefile) ? "standard input" : corefile;
        try {
            Corefile parsed = Corefile.parse(CorefilePatch.strip(text, settings.owner()));
            if (DnsSync.importsCustomFiles(parsed)) {
                String port = CorefilePatch.clusterBlock(parsed).map(Corefile.ServerBlock::portSuffix).orElse("");
                out.println("# The Corefile imports custom files: the operator leaves it alone and writes these keys into the");
                out.println("# " + settings.customConfigMap() + " ConfigMap, then restarts CoreDNS.");
                out.println("# " + DnsSync.overrideKey(settings.owner()));
                CorefilePatch.aliasLines(plan.entries().aliases()).forEach(out::println);
                out.println("# " + DnsSync.serverKey(settings.owner()));
                CorefilePatch.serverBlocks(plan.entries(), port, "\n", "    ").forEach(out::println);
            } else {
                out.print(CorefilePatch.apply(text, plan.entries(), settings.owner()));
            }
        } catch (CorefileSyntaxException e) {
            err.println("render: " + name + ": the Corefile cannot be changed: " + e.getMessage());
            return INVALID;
        }
        out.flush();
        return refused ? INVALID : OK;
    }

    private static final class UsageError extends IOException {
        UsageError(String message) {
            super(message);
        }
    }

    /** A strict UTF-8 reader of FILE or standard input: bytes that are not UTF-8 are an error, not '?'. */
    private static Reader open(String file) throws IOException {
        InputStream in;
        if ("-".equals(file)) {
            in = System.in;
        } else {
            Path path = Path.of(file);
            if (Files.isDirectory(path)) {
                throw new UsageError(file + ": is a directory, not a file");
            }
            try {
                in = Files.newInputStream(path);
            } catch (NoSuchFileException e) {
                throw new UsageError(file + ": no such file");
            }
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
    }

    private static String readProblem(IOException e) {
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : Cli.oneLine(e.getMessage());
    }
}
