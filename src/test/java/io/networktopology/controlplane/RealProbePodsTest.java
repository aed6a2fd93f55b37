package io.networktopology.controlplane;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.dependent.OwnedChildren;
import io.networktopology.probe.ProbeCheck;
import io.networktopology.probe.ProbePods;
import io.networktopology.probe.ProbeResult;
import io.networktopology.probe.ProbeSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe pods and Service the operator builds, against a real kube-apiserver: accepted with strict field
 * validation (native sidecar with a startup probe, node affinity on metadata.name, hostNetwork with its DNS policy and
 * hostPort), and — in a namespace that enforces Pod Security "restricted" — the pod-network probe pods are admitted
 * while the opt-in hostNetwork ones are refused by Pod Security admission, with its reason.
 */
@ExtendWith(RealControlPlaneExtension.class)
class RealProbePodsTest {

    static final String RESTRICTED = "probes-restricted";
    static final String PRIVILEGED = "probes-privileged";

    @BeforeAll
    static void namespaces(ControlPlane plane) {
        try (KubernetesClient client = plane.client()) {
            client.resource(new NamespaceBuilder().withNewMetadata().withName(RESTRICTED)
                    .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                    .addToLabels("pod-security.kubernetes.io/enforce-version", "latest").endMetadata().build()).create();
            client.resource(new NamespaceBuilder().withNewMetadata().withName(PRIVILEGED)
                    .addToLabels("pod-security.kubernetes.io/enforce", "privileged").endMetadata().build()).create();
        }
    }

    /** Every object of one run (two clients: a large plan is split), as the operator builds them for a namespace. */
    static List<HasMetadata> runObjects(String namespace) {
        NetworkTopology topology = topology(namespace, "a-topology-name-long-enough-to-be-shortened-in-pod-names", clusterIp("web"));
        topology.getMetadata().setUid("6f1c2a9e-0b7d-4c1e-9a55-3d2f8e7b1c01");
        OwnerReference owner = OwnedChildren.ownerReference(topology);
        ProbeSettings settings = ProbeSettings.defaults("cluster.local");
        ProbePods pods = new ProbePods(settings);
        Instant started = Instant.parse("2026-11-26T10:00:00Z");
        String run = ProbePods.runId(started);
        List<ProbeCheck> checks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            checks.add(ProbeCheck.tcp("svc-ip-web-" + i, "10.96.0.10", 80).on("PodToService", "probe client pod", "ClusterIP 10.96.0.10:80"));
        }
        List<ProbePods.Preset> preset = List.of(new ProbePods.Preset(ProbeCheck.tcp("pod-to-pod-node-b", null, 8080),
                new ProbeResult("pod-to-pod-node-b", ProbeResult.FAILED, null, "probe pod unschedulable: 0/2 nodes are available")));
        return List.of(
                pods.echo(topology, owner, run, started, 0, "node-a"),
                pods.local(topology, owner, run, started),
                pods.client(topology, owner, run, started, 0, checks, preset, false, null),
                pods.client(topology, owner, run, started, 1, checks.subList(0, 3), List.of(), false, null),
                pods.echoService(topology, owner, run, started),
                pods.hostEcho(topology, owner, run, started, 0, "node-a"),
                pods.client(topology, owner, run, started, 0, checks.subList(0, 1), List.of(), true, "node-a"));
    }

    static Map<String, HttpResponse<String>> admit(ControlPlane plane, String namespace) throws Exception {
        Map<String, HttpResponse<String>> responses = new LinkedHashMap<>();
        for (HasMetadata object : runObjects(namespace)) {
            String resource = object.getKind().equals("Pod") ? "pods" : "services";
            responses.put(object.getMetadata().getName(), plane.request("POST",
                    "/api/v1/namespaces/" + namespace + "/" + resource + "?dryRun=All&fieldValidation=Strict", Serialization.asJson(object)));
        }
        return responses;
    }

    static String message(HttpResponse<String> response) throws Exception {
        return response.statusCode() + " " + new ObjectMapper().readTree(response.body()).path("message").asText();
    }

    @Test
    void everyProbeObjectIsValidAndOnlyTheOptInHostNetworkPodsBreakPodSecurityRestricted(ControlPlane plane) throws Exception {
        Map<String, HttpResponse<String>> privileged = admit(plane, PRIVILEGED);
        for (var entry : privileged.entrySet()) {
            assertThat(entry.getValue().statusCode()).as(entry.getKey() + ": " + message(entry.getValue())).isEqualTo(201);
            assertThat(entry.getKey()).hasSizeLessThanOrEqualTo(63);
        }

        Map<String, HttpResponse<String>> restricted = admit(plane, RESTRICTED);
        for (var entry : restricted.entrySet()) {
            boolean hostNetwork = entry.getKey().endsWith("-host-echo-0") || entry.getKey().endsWith("-node-client");
            if (hostNetwork) {
                assertThat(message(entry.getValue())).as(entry.getKey()).startsWith("403 ").contains("violates PodSecurity \"restricted:latest\"")
                        .contains("hostNetwork");
            } else {
                assertThat(entry.getValue().statusCode()).as(entry.getKey() + ": " + message(entry.getValue())).isEqualTo(201);
            }
        }
    }
}
