package io.networktopology.reconciler;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.model.ServiceModel;
import io.networktopology.policy.PromisedPaths;
import io.networktopology.probe.ProbeSettings;
import io.networktopology.status.Observed;
import io.networktopology.status.Reasons;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The policy-free premise: the NetworkPolicies of the topology's namespace and of CoreDNS's, watched (a change wakes
 * the topologies of that namespace; one in CoreDNS's namespace wakes every topology), held against the topology's
 * promised paths ({@link PromisedPaths}). With no policy there, nothing is read; with some, the namespace's pods, the
 * CoreDNS pods and the two namespaces' labels are read (the labels only where the operator may get namespaces: else
 * each namespace has only its name label, which every namespace carries).
 */
final class PolicyStep {

    private static final Logger LOG = Logger.getLogger(PolicyStep.class);

    /**
     * What this step found.
     *
     * @param report the paths held against the policies; null when no policy is there to hold them against
     * @param error  why the policies could not be evaluated (a read refused), or null
     */
    record Result(PromisedPaths.Report report, String error) {
        static final Result NO_POLICIES = new Result(null, null);

        /** The PolicyFree condition's verdict. */
        Observed.Policy condition(String namespace, String dnsNamespace) {
            if (error != null) {
                return new Observed.Policy("Unknown", Reasons.POLICIES_NOT_EVALUATED, error);
            }
            String where = namespace.equals(dnsNamespace) ? "namespace " + namespace : "namespaces " + namespace + " and " + dnsNamespace;
            if (report == null) {
                return new Observed.Policy("True", Reasons.NO_POLICIES, "no NetworkPolicy in " + where);
            }
            if (report.selecting().isEmpty()) {
                return new Observed.Policy("True", Reasons.NO_POLICY_SELECTS, "no NetworkPolicy in " + where
                        + " selects the topology's pods, its probe pods or CoreDNS");
            }
            String selecting = "NetworkPolicies " + String.join(", ", report.selecting()) + " select these pods";
            List<PromisedPaths.Path> blocked = report.blocked();
            if (blocked.isEmpty()) {
                return new Observed.Policy("False", Reasons.POLICIES_ALLOW_PATHS, selecting + "; they allow every promised path ("
                        + report.paths().size() + ")");
            }
            return new Observed.Policy("False", Reasons.PATHS_BLOCKED, blocked.size() + " of " + report.paths().size() + " promised paths "
                    + "blocked: " + blocked.stream().limit(3).map(p -> p.name() + ": " + p.blocked().reason()).collect(Collectors.joining("; "))
                    + (blocked.size() > 3 ? "; and " + (blocked.size() - 3) + " more" : "") + " (" + selecting + ")");
        }
    }

    final ProbeSettings settings;
    /** Whether namespaces may be read (false after a 403: the own-namespace install). */
    private volatile boolean namespacesReadable = true;

    PolicyStep(ProbeSettings settings) {
        this.settings = settings;
    }

    /** The NetworkPolicies, cached; read by namespace (a topology not yet cached when a policy arrived still sees it). */
    private volatile InformerEventSource<NetworkPolicy, NetworkTopology> informer;

    InformerEventSource<NetworkPolicy, NetworkTopology> eventSource(EventSourceContext<NetworkTopology> context) {
        String dnsNamespace = settings.dnsNamespace();
        informer = new InformerEventSource<>(InformerEventSourceConfiguration.from(NetworkPolicy.class, NetworkTopology.class)
                .withName("networkpolicies")
                .withSecondaryToPrimaryMapper(policy -> {
                    String namespace = policy.getMetadata().getNamespace();
                    var primaries = namespace.equals(dnsNamespace) ? context.getPrimaryCache().list() : context.getPrimaryCache().list(namespace);
                    return primaries.map(ResourceID::fromResource).collect(Collectors.toSet());
                })
                .build(), context);
        return informer;
    }

    Result reconcile(NetworkTopology topology, Context<NetworkTopology> context) {
        String namespace = ServiceModel.namespaceOf(topology);
        // From the cache by namespace, not by the policy-to-topology mapping: that mapping is made when a policy's event
        // comes, and at start the policies come before the topologies are cached.
        List<NetworkPolicy> policies = informer == null ? List.of() : java.util.stream.Stream.concat(informer.list(namespace),
                namespace.equals(settings.dnsNamespace()) ? java.util.stream.Stream.empty() : informer.list(settings.dnsNamespace())).toList();
        if (policies.isEmpty()) {
            return Result.NO_POLICIES;
        }
        KubernetesClient client = context.getClient();
        try {
            List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
            List<Pod> dnsPods = dnsPods(client);
            Map<String, Map<String, String>> labels = new HashMap<>();
            for (String name : Set.of(namespace, settings.dnsNamespace())) {
                Map<String, String> own = namespaceLabels(client, name);
                if (own != null) {
                    labels.put(name, own);
                }
            }
            return new Result(PromisedPaths.evaluate(topology, new PromisedPaths.Cluster(policies, pods, dnsPods, labels, settings.echoPort())), null);
        } catch (KubernetesClientException e) {
            LOG.debugf(e, "%s/%s: policies not evaluated", namespace, topology.getMetadata().getName());
            return new Result(null, "the NetworkPolicies could not be held against the paths: reading pods was refused ("
                    + e.getCode() + " " + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()) + ")");
        }
    }

    /** CoreDNS's pods; none when the operator may not list them (the own-namespace install): DNS is then not evaluated. */
    private List<Pod> dnsPods(KubernetesClient client) {
        try {
            return client.pods().inNamespace(settings.dnsNamespace()).withLabels(settings.dnsPodLabels()).list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                return List.of();
            }
            throw e;
        }
    }

    /** A namespace's labels, or null when the operator may not read namespaces (its name label is then assumed). */
    private Map<String, String> namespaceLabels(KubernetesClient client, String name) {
        if (!namespacesReadable) {
            return null;
        }
        try {
            Namespace namespace = client.namespaces().withName(name).get();
            return namespace == null || namespace.getMetadata().getLabels() == null ? null : namespace.getMetadata().getLabels();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                namespacesReadable = false;
                return null;
            }
            throw e;
        }
    }
}
