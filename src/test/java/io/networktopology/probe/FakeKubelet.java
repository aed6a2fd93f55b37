package io.networktopology.probe;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.networktopology.model.ChildLabels;
import io.networktopology.probe.ProbePods.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the scheduler, kubelet and service IP allocator for probe pods on an API without them (the mock server):
 * echo pods start with a pod IP and turn Ready, the run's echo Service gets a cluster IP, and each reporting pod's
 * probe container "runs" its planned checks and terminates with a report in its termination message. Which checks
 * fail, and whether pods can be scheduled at all, is up to the test.
 */
public final class FakeKubelet {

    private final KubernetesClient client;
    private final AtomicInteger nextIp = new AtomicInteger(10);
    /** Check ids (or id prefixes) that fail, with the message the probe reports. */
    private final Map<String, String> failing = new ConcurrentHashMap<>();
    private volatile String unschedulable;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final List<ProbeCheck> planned = new java.util.concurrent.CopyOnWriteArrayList<>();

    public FakeKubelet(KubernetesClient client) {
        this.client = client;
    }

    public FakeKubelet fail(String idPrefix, String message) {
        failing.put(idPrefix, message);
        return this;
    }

    public FakeKubelet passAll() {
        failing.clear();
        return this;
    }

    /** From now on no probe pod can be scheduled, with this scheduler message. */
    public FakeKubelet unschedulable(String message) {
        unschedulable = message;
        return this;
    }

    /**
     * The run's echo Service gets its cluster IP only on this many passes after its echo pods are up (never: -1) — the
     * order an allocator slower than the kubelet would give, which a real API server never does but the operator must
     * survive: the run waits, and when no address comes the load-balancing check says so.
     */
    public FakeKubelet serviceAddressesAfter(int passes) {
        serviceAddressDelay = passes;
        return this;
    }

    private volatile int serviceAddressDelay;
    private final AtomicInteger passesWithEchoesUp = new AtomicInteger();

    /** Every reporting pod this kubelet finished (names), for tests that count runs. */
    public Set<String> finishedPods() {
        return seen;
    }

    /** Every check the reporting pods this kubelet ran were given. */
    public List<ProbeCheck> plannedChecks() {
        return planned;
    }

    /** One pass over every probe pod and echo Service in a namespace. */
    public void step(String namespace) {
        boolean echoesUp = client.pods().inNamespace(namespace).withLabel(ChildLabels.PROBE_ROLE, Role.echo.label()).list().getItems()
                .stream().anyMatch(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()));
        int passes = echoesUp ? passesWithEchoesUp.incrementAndGet() : 0;
        boolean allocate = serviceAddressDelay == 0 || (serviceAddressDelay > 0 && passes > serviceAddressDelay);
        for (Service service : client.services().inNamespace(namespace).withLabel(ChildLabels.PROBE_RUN).list().getItems()) {
            if (service.getSpec().getClusterIP() == null && allocate) {
                service.getSpec().setClusterIP("10.96.200." + nextIp.incrementAndGet() % 250);
                quietly(() -> client.resource(service).update());
            }
        }
        for (Pod pod : client.pods().inNamespace(namespace).withLabel(ChildLabels.PROBE_RUN).list().getItems()) {
            if (pod.getStatus() != null && pod.getStatus().getPhase() != null) {
                continue; // already handled
            }
            Role role = Role.of(pod);
            if (unschedulable != null) {
                pod.setStatus(new PodStatusBuilder().withPhase("Pending").withConditions(new PodConditionBuilder().withType("PodScheduled")
                        .withStatus("False").withReason("Unschedulable").withMessage(unschedulable).build()).build());
                quietly(() -> client.resource(pod).updateStatus());
                continue;
            }
            String ip = "10.244." + (nextIp.incrementAndGet() / 250) + "." + nextIp.get() % 250;
            if (role == Role.echo || role == Role.host_echo) {
                pod.setStatus(runningAndReady(ip, "192.168.0." + nextIp.get() % 250));
            } else {
                List<ProbeResult> results = new ArrayList<>();
                planned.addAll(ProbePods.plannedChecks(pod));
                for (ProbeCheck check : ProbePods.plannedChecks(pod)) {
                    String failure = failing.entrySet().stream().filter(e -> check.id().startsWith(e.getKey())).map(Map.Entry::getValue)
                            .findFirst().orElse(null);
                    results.add(failure == null ? new ProbeResult(check.id(), ProbeResult.PASSED, 3L, "ok")
                            : new ProbeResult(check.id(), ProbeResult.FAILED, 1000L, failure));
                }
                pod.setStatus(reported(results.stream().allMatch(ProbeResult::passed) ? 0 : 1, ProbeRunner.report(results), ip));
                seen.add(pod.getMetadata().getName());
            }
            quietly(() -> client.resource(pod).updateStatus());
        }
    }

    /** A pod's status once it runs and its readiness probe passed. */
    public static PodStatus runningAndReady(String podIp, String hostIp) {
        return new PodStatusBuilder().withPhase("Running").withPodIP(podIp).withHostIP(hostIp)
                .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build()).build();
    }

    /** A probe pod's status once its probe container exited with this report as its termination message. */
    public static PodStatus reported(int exitCode, String report, String podIp) {
        return new PodStatusBuilder().withPhase(exitCode == 0 ? "Succeeded" : "Failed").withPodIP(podIp)
                .withContainerStatuses(new ContainerStatusBuilder().withName(ProbePods.PROBE_CONTAINER).withNewState().withNewTerminated()
                        .withExitCode(exitCode).withReason(exitCode == 0 ? "Completed" : "Error").withMessage(report)
                        .endTerminated().endState().build())
                .build();
    }

    /** A running, ready CoreDNS pod (kube-system, k8s-app=kube-dns) at this address. */
    public static void coreDnsPod(KubernetesClient client, String name, String ip) {
        Pod pod = client.resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName(name).withNamespace("kube-system")
                .addToLabels("k8s-app", "kube-dns").endMetadata().withNewSpec().addNewContainer().withName("coredns").withImage("coredns")
                .endContainer().endSpec().build()).create();
        pod.setStatus(runningAndReady(ip, null));
        client.resource(pod).updateStatus();
    }

    private static void quietly(Runnable write) {
        try {
            write.run();
        } catch (KubernetesClientException e) {
            // deleted meanwhile by the operator: fine
        }
    }
}
