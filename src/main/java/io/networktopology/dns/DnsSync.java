package io.networktopology.dns;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.networktopology.api.v1alpha1.DnsStatus.Strategy;
import io.networktopology.model.ChildLabels;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes a {@link DnsPlan} into the cluster's CoreDNS configuration: inline into the Corefile, or into the
 * custom-files ConfigMap when the Corefile imports one; never into a Corefile that something else reverts, and never
 * one it cannot parse. Writes carry the resourceVersion they were computed from; when another writer got there
 * first, the ConfigMap is read again and the entries re-applied to what that writer left, so both edits survive.
 */
public final class DnsSync {

    public static final String OVERRIDE_KEY = "network-topology-operator.override";
    public static final String SERVER_KEY = "network-topology-operator.server";
    public static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
    static final int MAX_ATTEMPTS = 5;
    /** The reason while the plan waits for the writer (DnsConfigured False, a progressing state like AwaitingAddress). */
    public static final String BEING_WRITTEN = "DnsPending";

    /** What the sync found and did. */
    public record Result(Strategy strategy, String configMap, Boolean reload, List<String> notes, boolean written,
            String failureReason, String failure, Map<String, String> unservedAliases) {

        /** The same outcome, as seen by a later caller: nothing written by that call. */
        public Result unwritten() {
            return new Result(strategy, configMap, reload, notes, false, failureReason, failure, unservedAliases);
        }

        /** While the writer has not written the plan yet: the entries are pending (the strategy as last written). */
        public static Result beingWritten(DnsSettings settings, Result previous) {
            String where = settings.namespace() + "/" + settings.configMap();
            return new Result(previous == null ? null : previous.strategy(), previous == null ? where : previous.configMap(),
                    previous == null ? null : previous.reload(), List.of(), false, BEING_WRITTEN,
                    "being written into CoreDNS's configuration (" + where + ")", Map.of());
        }

        public boolean applied() {
            return failureReason == null && strategy != Strategy.Unsupported;
        }
    }

    /** Told of each ConfigMap write, before it is sent and once the API server has taken it. */
    @FunctionalInterface
    public interface Writes {
        /** The ConfigMap about to be sent (its informer event may arrive before the response). */
        default void sending(ConfigMap map) {
        }

        void written(String basedOn, ConfigMap written);

        /** Sends {@code map} by {@code request} (an update or a create), telling of it before and after. */
        default void write(String basedOn, ConfigMap map, java.util.function.UnaryOperator<ConfigMap> request) {
            sending(map);
            written(basedOn, request.apply(map));
        }
    }

    private final DnsSettings settings;

    public DnsSync(DnsSettings settings) {
        this.settings = settings;
    }

    public DnsSettings settings() {
        return settings;
    }

    public Result sync(DnsEntries entries, KubernetesClient client) {
        return sync(entries, client, name -> read(client, name), (basedOn, written) -> { });
    }

    /**
     * @param cached the CoreDNS ConfigMaps by name as last seen (an informer's cache): the first attempt reads them
     *     there, an attempt after a conflict from the API server
     * @param writes told of every ConfigMap write: what it will hold before it is sent, and after it the resourceVersion
     *     it was based on (null for a create) and the ConfigMap as the API server returned it
     */
    public Result sync(DnsEntries entries, KubernetesClient client, java.util.function.Function<String, ConfigMap> cached,
            Writes writes) {
        String where = settings.namespace() + "/" + settings.configMap();
        for (int attempt = 1; ; attempt++) {
            java.util.function.Function<String, ConfigMap> reader = attempt == 1 ? cached : name -> read(client, name);
            try {
                return syncOnce(entries, client, where, reader, writes);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                // Someone else wrote meanwhile: read their version and apply the entries to it.
            }
        }
    }

    private ConfigMap read(KubernetesClient client, String name) {
        return client.configMaps().inNamespace(settings.namespace()).withName(name).get();
    }

    private Result syncOnce(DnsEntries entries, KubernetesClient client, String where, java.util.function.Function<String, ConfigMap> reader,
            Writes writes) {
        List<String> notes = new ArrayList<>();
        ConfigMap corefileMap = reader.apply(settings.configMap());
        if (corefileMap == null) {
            return unsupported(where, "there is no ConfigMap " + where + ": this cluster's DNS is not a CoreDNS configured "
                    + "by that ConfigMap (kube-dns? another name? see networktopology.dns.corefile-configmap); nothing was changed");
        }
        String reverter = reverter(corefileMap);
        if (reverter != null) {
            return unsupported(where, "ConfigMap " + where + " is " + reverter + ", which reverts edits; nothing was changed");
        }
        String text = corefileMap.getData() == null ? null : corefileMap.getData().get(settings.key());
        if (text == null) {
            return unsupported(where, "ConfigMap " + where + " has no key " + settings.key() + "; nothing was changed");
        }
        Corefile corefile;
        try {
            corefile = Corefile.parse(CorefilePatch.strip(text, settings.owner()));
        } catch (CorefileSyntaxException e) {
            return new Result(Strategy.Inline, where, null, notes, false, "CorefileUnparseable",
                    "the Corefile in " + where + " cannot be parsed, so it was left untouched: " + e.getMessage(), Map.of());
        }
        Optional<Corefile.ServerBlock> cluster = CorefilePatch.clusterBlock(corefile);
        boolean reload = cluster.flatMap(b -> b.directive("reload")).isPresent();
        String port = cluster.map(Corefile.ServerBlock::portSuffix).orElse("");

        Map<String, String> unserved = new LinkedHashMap<>();
        List<DnsEntries.Alias> served = new ArrayList<>();
        for (DnsEntries.Alias alias : entries.aliases()) {
            Optional<Corefile.ServerBlock> serving = CorefilePatch.servingBlock(corefile, alias.name(), port);
            if (cluster.isEmpty()) {
                unserved.put(alias.name(), "no server block of the Corefile runs the kubernetes plugin");
            } else if (serving.isPresent() && serving.get() != cluster.get()) {
                unserved.put(alias.name(), "queries for it go to the server block " + serving.get().keys().get(0).text()
                        + ", which does not run the kubernetes plugin");
            } else {
                served.add(alias);
            }
        }
        DnsEntries writable = new DnsEntries(served, entries.hosts(), entries.stubDomains());
        if (importsCustomFiles(corefile)) {
            return syncImport(writable, client, corefile.lineEnding(), port, reload, notes, unserved, reader, writes);
        }

        String patched;
        try {
            patched = CorefilePatch.apply(text, writable, settings.owner());
        } catch (CorefileSyntaxException e) {
            return new Result(Strategy.Inline, where, reload, notes, false, "CorefileUnparseable",
                    "the Corefile in " + where + " was left untouched: " + e.getMessage(), unserved);
        }
        boolean written = false;
        if (!patched.equals(text)) {
            if (!text.contains(CorefilePatch.ANY_BEGIN)) {
                backup(client, corefileMap, text);
            }
            ConfigMap update = new ConfigMapBuilder(corefileMap).build();
            Map<String, String> data = new LinkedHashMap<>(corefileMap.getData());
            data.put(settings.key(), patched);
            update.setData(data);
            writes.write(corefileMap.getMetadata().getResourceVersion(), update, map -> client.resource(map).update());
            written = true;
            if (!reload && settings.restartWithoutReload()) {
                restart(client).ifPresent(notes::add);
            }
        }
        if (!reload) {
            notes.add("the Corefile's server block has no reload plugin: CoreDNS serves changes only after a restart"
                    + (settings.restartWithoutReload() ? "; the operator restarts Deployment " + settings.namespace() + "/"
                            + settings.deployment() + " after each change"
                            : " (set networktopology.dns.restart-without-reload=true to let the operator restart it)"));
        }
        nodeLocalDnsCache(client).ifPresent(notes::add);
        return new Result(Strategy.Inline, where, reload, notes, written, null, null, unserved);
    }

    private Result syncImport(DnsEntries entries, KubernetesClient client, String eol, String port, boolean reload,
            List<String> notes, Map<String, String> unserved, java.util.function.Function<String, ConfigMap> reader,
            Writes writes) {
        String where = settings.namespace() + "/" + settings.customConfigMap();
        ConfigMap custom = reader.apply(settings.customConfigMap());
        Map<String, String> data = new LinkedHashMap<>(custom == null || custom.getData() == null ? Map.of() : custom.getData());
        Map<String, String> before = new LinkedHashMap<>(data);
        List<String> override = CorefilePatch.aliasLines(entries.aliases());
        List<String> server = CorefilePatch.serverBlocks(entries, port, eol, "    ");
        put(data, overrideKey(settings.owner()), override, eol);
        put(data, serverKey(settings.owner()), server, eol);
        boolean written = false;
        if (!data.equals(before)) {
            if (custom == null) {
                writes.write(null, new ConfigMapBuilder().withNewMetadata().withName(settings.customConfigMap())
                        .withNamespace(settings.namespace()).addToLabels(ChildLabels.MANAGED_BY, ChildLabels.MANAGED_BY_VALUE)
                        .endMetadata().withData(data).build(), map -> client.resource(map).create());
            } else {
                writes.write(custom.getMetadata().getResourceVersion(), new ConfigMapBuilder(custom).withData(data).build(),
                        map -> client.resource(map).update());
            }
            written = true;
            restart(client).ifPresent(notes::add);
        }
        notes.add("CoreDNS does not reload imported files, so the operator restarts Deployment " + settings.namespace() + "/"
                + settings.deployment() + " whenever it changes " + where);
        nodeLocalDnsCache(client).ifPresent(notes::add);
        return new Result(Strategy.Import, where, reload, notes, written, null, null, unserved);
    }

    /** The custom-files key of one install's alias lines: each install writes its own file. */
    public static String overrideKey(String owner) {
        return owner == null ? OVERRIDE_KEY : "network-topology-operator-" + owner + ".override";
    }

    /** The custom-files key of one install's server blocks. */
    public static String serverKey(String owner) {
        return owner == null ? SERVER_KEY : "network-topology-operator-" + owner + ".server";
    }

    private static void put(Map<String, String> data, String key, List<String> lines, String eol) {
        if (lines.isEmpty()) {
            data.remove(key);
        } else {
            data.put(key, String.join(eol, lines) + eol);
        }
    }

    private Result unsupported(String where, String why) {
        return new Result(Strategy.Unsupported, where, null, List.of(why), false, null, null, Map.of());
    }

    /** k3s and AKS: the cluster block imports *.override files and the top level imports *.server files. */
    public static boolean importsCustomFiles(Corefile corefile) {
        boolean override = CorefilePatch.clusterBlock(corefile).map(b -> b.block().directives().stream()
                .anyMatch(d -> d.name().equals("import") && d.tokens().size() > 1 && d.tokens().get(1).text().endsWith(".override")))
                .orElse(false);
        boolean server = corefile.topLevelImports().stream()
                .anyMatch(i -> i.size() > 1 && i.get(1).text().endsWith(".server"));
        return override && server;
    }

    /** Who would undo an edit: the addon manager in Reconcile mode, or a controlling owner (e.g. OpenShift's DNS operator). */
    static String reverter(ConfigMap map) {
        Map<String, String> labels = map.getMetadata().getLabels() == null ? Map.of() : map.getMetadata().getLabels();
        if ("Reconcile".equals(labels.get("addonmanager.kubernetes.io/mode"))) {
            return "reconciled by the addon manager (addonmanager.kubernetes.io/mode=Reconcile)";
        }
        List<OwnerReference> owners = map.getMetadata().getOwnerReferences() == null ? List.of() : map.getMetadata().getOwnerReferences();
        return owners.stream().filter(o -> Boolean.TRUE.equals(o.getController()))
                .map(o -> "controlled by " + o.getKind() + " " + o.getName() + " (" + o.getApiVersion() + ")")
                .findFirst().orElse(null);
    }

    private void backup(KubernetesClient client, ConfigMap original, String text) {
        String name = settings.configMap() + "-backup-network-topology-operator";
        if (client.configMaps().inNamespace(settings.namespace()).withName(name).get() != null) {
            return;
        }
        client.resource(new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(settings.namespace())
                .addToLabels(ChildLabels.MANAGED_BY, ChildLabels.MANAGED_BY_VALUE)
                .addToAnnotations("networktopology.io/backup-of", settings.namespace() + "/" + settings.configMap())
                .addToAnnotations("networktopology.io/backup-resource-version", original.getMetadata().getResourceVersion())
                .endMetadata().addToData(settings.key(), text).build()).create();
    }

    /** A rollout restart, as {@code kubectl rollout restart} does it: a new pod-template annotation. Returns a failure. */
    private Optional<String> restart(KubernetesClient client) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String target = settings.namespace() + "/" + settings.deployment();
        if (client.apps().deployments().inNamespace(settings.namespace()).withName(settings.deployment()).get() == null) {
            return Optional.of("could not restart CoreDNS: there is no Deployment " + target);
        }
        client.apps().deployments().inNamespace(settings.namespace()).withName(settings.deployment()).edit(d -> {
            Map<String, String> annotations = new LinkedHashMap<>(Objects.requireNonNullElse(
                    d.getSpec().getTemplate().getMetadata().getAnnotations(), Map.of()));
            annotations.put(RESTARTED_AT, now);
            d.getSpec().getTemplate().getMetadata().setAnnotations(annotations);
            return d;
        });
        return Optional.empty();
    }

    private Optional<String> nodeLocalDnsCache(KubernetesClient client) {
        boolean present = client.apps().daemonSets().inNamespace(settings.namespace()).withName("node-local-dns").get() != null;
        return present ? Optional.of("NodeLocal DNSCache (DaemonSet " + settings.namespace() + "/node-local-dns) is installed: "
                + "it forwards names outside the cluster domain to the upstream servers directly, which may bypass these entries")
                : Optional.empty();
    }
}
