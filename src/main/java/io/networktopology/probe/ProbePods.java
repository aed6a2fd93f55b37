package io.networktopology.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.model.ChildLabels;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pods (and the echo Service) of one probe run, built from the settings. Pure.
 *
 * <ul>
 * <li>{@code echo}: one per sampled node (required node affinity), answering with its identity — the targets of
 *     pod-to-pod and, behind the run's echo Service, of load balancing.</li>
 * <li>{@code local}: a pod whose echo server is a native sidecar (it starts, and passes its startup probe, before the
 *     probe container runs) reached over localhost — container to container.</li>
 * <li>{@code client}: runs the run's checks once the echo pods are up.</li>
 * <li>{@code host-echo} / {@code node-client}: hostNetwork versions, only with {@code spec.probes.nodeToNode}.</li>
 * </ul>
 * Every pod is restricted (non-root, read-only root filesystem, no capabilities, RuntimeDefault seccomp, no service
 * account token) except that the hostNetwork ones use the host's network; each has a deadline, is labelled with its
 * topology, run and role, and is owned by the topology, so it is garbage-collected with it.
 */
public final class ProbePods {

    public static final String STARTED_ANNOTATION = "networktopology.io/probe-run-started";
    /** On the client pod: results the operator already knows (targets that never came up), as a JSON list. */
    public static final String PRESET_RESULTS_ANNOTATION = "networktopology.io/probe-preset-results";
    public static final String PROBE_CONTAINER = "probe";
    public static final int LOCAL_PORT = 8081;

    public enum Role {
        echo, host_echo, local, client, node_client;

        public String label() {
            return name().replace('_', '-');
        }

        /** Whether pods of this role write a report (the others serve). */
        public boolean reports() {
            return this == local || this == client || this == node_client;
        }

        public static Role of(Pod pod) {
            String value = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(ChildLabels.PROBE_ROLE);
            for (Role role : values()) {
                if (role.label().equals(value)) {
                    return role;
                }
            }
            return null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A check the operator decided without running it (its target never came up), with its result. */
    public record Preset(ProbeCheck check, ProbeResult result) {
    }

    private final ProbeSettings settings;

    public ProbePods(ProbeSettings settings) {
        this.settings = settings;
    }

    /** A run id: the start time (milliseconds) in base 36, short, sortable and valid in a label. */
    public static String runId(Instant started) {
        return Long.toString(started.toEpochMilli(), 36);
    }

    /**
     * {@code <topology (at most 24 chars)>-<uid hash>-<run id>-<role>[-<n>]}: at most 63 characters (the pod's hostname),
     * unique per topology even when two names share a prefix.
     */
    public static String podName(NetworkTopology topology, String runId, Role role, int index) {
        String base = topology.getMetadata().getName();
        base = base.length() > 24 ? base.substring(0, 24).replaceAll("[-.]+$", "") : base;
        boolean numbered = role == Role.echo || role == Role.host_echo || ((role == Role.client || role == Role.node_client) && index > 0);
        return base + "-" + uidHash(topology) + "-" + runId + "-" + role.label() + (numbered ? "-" + index : "");
    }

    private static String uidHash(NetworkTopology topology) {
        String key = topology.getMetadata().getName() + "/" + topology.getMetadata().getUid();
        return Integer.toString(Math.floorMod(key.hashCode(), 36 * 36 * 36 * 36), 36);
    }

    /** The run's echo Service: a DNS-1035 label, short enough for any topology name. */
    public static String echoServiceName(NetworkTopology topology, String runId) {
        String hash = Integer.toString(Math.abs((topology.getMetadata().getName() + "/" + topology.getMetadata().getUid()).hashCode()), 36);
        return "ntprobe-" + runId + "-" + hash;
    }

    /** The run's second echo Service, with {@code sessionAffinity: ClientIP}: for topologies that declare it. */
    public static String affinityServiceName(NetworkTopology topology, String runId) {
        return echoServiceName(topology, runId) + "-a";
    }

    /** The run's echo Service with {@code externalTrafficPolicy: Local}, a NodePort: for topologies that declare it. */
    public static String localServiceName(NetworkTopology topology, String runId) {
        return echoServiceName(topology, runId) + "-l";
    }

    public Pod echo(NetworkTopology topology, OwnerReference owner, String runId, Instant started, int index, String node) {
        Container server = container("echo", List.of("echo", "--port", String.valueOf(settings.echoPort())))
                .edit().withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(settings.echoPort())).endTcpSocket()
                .withPeriodSeconds(2).endReadinessProbe().build();
        PodBuilder pod = pod(topology, owner, runId, started, Role.echo, index, List.of(server), false);
        return pinned(pod, node);
    }

    public Pod hostEcho(NetworkTopology topology, OwnerReference owner, String runId, Instant started, int index, String node) {
        // The port is declared (hostPort) so that the scheduler keeps two such pods off one node.
        Container server = container("echo", List.of("echo", "--port", String.valueOf(settings.hostEchoPort()))).edit()
                .addNewPort().withName("echo").withContainerPort(settings.hostEchoPort()).withHostPort(settings.hostEchoPort())
                .withProtocol("TCP").endPort()
                .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(settings.hostEchoPort())).endTcpSocket()
                .withPeriodSeconds(2).endReadinessProbe().build();
        PodBuilder pod = pod(topology, owner, runId, started, Role.host_echo, index, List.of(server), true);
        return pinned(pod, node);
    }

    /** Two containers sharing one network namespace: the probe reaches the sidecar's echo server on 127.0.0.1. */
    public Pod local(NetworkTopology topology, OwnerReference owner, String runId, Instant started) {
        List<ProbeCheck> checks = List.of(ProbeCheck.echo("container-to-container", "127.0.0.1", LOCAL_PORT, "127.0.0.1", null, 1)
                .on("ContainerToContainer", "probe container", "echo container of the same pod over localhost"));
        Container sidecar = container("echo", List.of("echo", "--port", String.valueOf(LOCAL_PORT))).edit()
                .withRestartPolicy("Always")
                .withNewStartupProbe().withNewTcpSocket().withPort(new IntOrString(LOCAL_PORT)).endTcpSocket()
                .withPeriodSeconds(1).withFailureThreshold(60).endStartupProbe().build();
        PodBuilder pod = pod(topology, owner, runId, started, Role.local, 0, List.of(probeContainer(checks)), false);
        pod.editSpec().withInitContainers(sidecar).endSpec();
        return pod.build();
    }

    public Pod client(NetworkTopology topology, OwnerReference owner, String runId, Instant started, int index, List<ProbeCheck> checks,
            List<Preset> preset, boolean hostNetwork, String node) {
        Role role = hostNetwork ? Role.node_client : Role.client;
        PodBuilder pod = pod(topology, owner, runId, started, role, index, List.of(probeContainer(checks)), hostNetwork);
        if (!preset.isEmpty()) {
            pod.editMetadata().addToAnnotations(PRESET_RESULTS_ANNOTATION, json(preset)).endMetadata();
        }
        return pinned(pod, node);
    }

    /** A ClusterIP Service in front of the run's echo pods: repeated requests must reach every one of them. */
    public Service echoService(NetworkTopology topology, OwnerReference owner, String runId, Instant started) {
        return echoService(topology, owner, runId, started, echoServiceName(topology, runId), "None");
    }

    /**
     * In front of the same echo pods, with {@code sessionAffinity: ClientIP}: a topology that declares it relies on the
     * cluster (kube-proxy) keeping one client on one endpoint, which its own backends cannot show (they do not say who
     * answered); the echo pods do.
     */
    public Service affinityService(NetworkTopology topology, OwnerReference owner, String runId, Instant started) {
        return echoService(topology, owner, runId, started, affinityServiceName(topology, runId), "ClientIP");
    }

    /**
     * In front of the same echo pods, a NodePort with {@code externalTrafficPolicy: Local}: asked on another node's
     * address from a hostNetwork client, the echo pod there must see the client node's own address.
     */
    public Service localService(NetworkTopology topology, OwnerReference owner, String runId, Instant started) {
        return echoService(topology, owner, runId, started, localServiceName(topology, runId), "None").edit()
                .editSpec().withType("NodePort").withExternalTrafficPolicy("Local").endSpec().build();
    }

    private Service echoService(NetworkTopology topology, OwnerReference owner, String runId, Instant started, String name, String affinity) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put(ChildLabels.PROBE_RUN, runId);
        selector.put(ChildLabels.PROBE_ROLE, Role.echo.label());
        selector.put(ChildLabels.TOPOLOGY, topology.getMetadata().getName());
        return new ServiceBuilder()
                .withMetadata(metadata(topology, owner, name, runId, started, null))
                .withNewSpec().withType("ClusterIP").withSelector(selector).withSessionAffinity(affinity)
                .addNewPort().withName("echo").withProtocol("TCP").withPort(settings.echoPort())
                .withTargetPort(new IntOrString(settings.echoPort())).endPort()
                .endSpec().build();
    }

    /** The checks a probe pod runs, read back from its spec (the pod is the record of what was planned). */
    public static List<ProbeCheck> plannedChecks(Pod pod) {
        for (Container container : pod.getSpec().getContainers()) {
            if (PROBE_CONTAINER.equals(container.getName()) && container.getEnv() != null) {
                for (EnvVar env : container.getEnv()) {
                    if ("PROBE_CHECKS".equals(env.getName()) && env.getValue() != null) {
                        try {
                            return List.of(JSON.readValue(env.getValue(), ProbeCheck[].class));
                        } catch (JsonProcessingException e) {
                            return List.of();
                        }
                    }
                }
            }
        }
        return List.of();
    }

    public static List<Preset> presetResults(Pod pod) {
        String value = pod.getMetadata().getAnnotations() == null ? null : pod.getMetadata().getAnnotations().get(PRESET_RESULTS_ANNOTATION);
        if (value == null) {
            return List.of();
        }
        try {
            return List.of(JSON.readValue(value, Preset[].class));
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }

    private Container probeContainer(List<ProbeCheck> checks) {
        return container(PROBE_CONTAINER, List.of("probe")).edit()
                .addToEnv(new EnvVarBuilder().withName("PROBE_CHECKS").withValue(json(checks)).build())
                .withTerminationMessagePolicy("File")
                .build();
    }

    private Container container(String name, List<String> args) {
        List<String> command = new ArrayList<>(settings.command());
        command.addAll(args);
        ContainerBuilder container = new ContainerBuilder()
                .withName(name)
                .withImage(settings.image())
                .withImagePullPolicy(settings.imagePullPolicy())
                .withCommand(command)
                .withEnv(fieldEnv("POD_NAME", "metadata.name"), fieldEnv("POD_IP", "status.podIP"), fieldEnv("NODE_IP", "status.hostIP"))
                .withNewResources()
                .addToRequests("cpu", new Quantity(settings.cpuRequest()))
                .addToRequests("memory", new Quantity(settings.memoryRequest()))
                .addToLimits("memory", new Quantity(settings.memoryLimit()))
                .endResources()
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount();
        return container.build();
    }

    /** Pins a pod to a node by the node's name (metadata.name), through the scheduler (so taints and resources still count). */
    private static Pod pinned(PodBuilder pod, String node) {
        if (node != null) {
            pod.editSpec().withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .addNewNodeSelectorTerm().addNewMatchField().withKey("metadata.name").withOperator("In")
                    .withValues(node).endMatchField().endNodeSelectorTerm()
                    .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().endSpec();
        }
        return pod.build();
    }

    /** The node a probe pod is pinned to, or null. */
    public static String pinnedNode(Pod pod) {
        try {
            return pod.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                    .getNodeSelectorTerms().get(0).getMatchFields().get(0).getValues().get(0);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static EnvVar fieldEnv(String name, String path) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef().withFieldPath(path).endFieldRef().endValueFrom().build();
    }

    private PodBuilder pod(NetworkTopology topology, OwnerReference owner, String runId, Instant started, Role role, int index,
            List<Container> containers, boolean hostNetwork) {
        return new PodBuilder()
                .withMetadata(metadata(topology, owner, podName(topology, runId, role, index), runId, started, role))
                .withSpec(new PodSpecBuilder()
                        .withRestartPolicy("Never")
                        .withActiveDeadlineSeconds(settings.runDeadline().toSeconds())
                        .withTerminationGracePeriodSeconds(1L)
                        .withAutomountServiceAccountToken(false)
                        .withEnableServiceLinks(false)
                        .withHostNetwork(hostNetwork ? true : null)
                        .withDnsPolicy(hostNetwork ? "ClusterFirstWithHostNet" : null)
                        .withNodeSelector(settings.nodeSelector().isEmpty() ? null : new LinkedHashMap<>(settings.nodeSelector()))
                        .withTolerations(settings.tolerations().isEmpty() ? null : new ArrayList<>(settings.tolerations()))
                        .withNewSecurityContext()
                        .withRunAsNonRoot(true)
                        .withRunAsUser(settings.runAsUser())
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .endSecurityContext()
                        .addNewVolume().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity("16Mi")).endEmptyDir().endVolume()
                        .withContainers(containers)
                        .build());
    }

    private static ObjectMeta metadata(NetworkTopology topology, OwnerReference owner, String name, String runId, Instant started, Role role) {
        Map<String, String> labels = new LinkedHashMap<>(ChildLabels.forTopology(topology.getMetadata().getName()));
        labels.put(ChildLabels.PROBE_RUN, runId);
        if (role != null) {
            labels.put(ChildLabels.PROBE_ROLE, role.label());
        }
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(topology.getMetadata().getNamespace())
                .withLabels(labels)
                .withAnnotations(Map.of(STARTED_ANNOTATION, started.toString()))
                .withOwnerReferences(owner)
                .build();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
