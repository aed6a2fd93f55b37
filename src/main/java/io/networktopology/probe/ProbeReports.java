package io.networktopology.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.networktopology.api.v1alpha1.CheckStatus;
import io.networktopology.api.v1alpha1.ProbesSpec.ProbePath;
import io.networktopology.probe.ProbePods.Role;
import io.networktopology.status.ConnectivityReport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a probe pod says, read from its status alone: whether it is up, the report its probe container left in its
 * termination message, and, when there is none, why, in words a user can act on. Pure: no API calls.
 */
public final class ProbeReports {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProbeReports() {
    }


    /** Running, with an address, and ready (the echo server's readiness probe passed). */
    public static boolean up(Pod pod) {
        if (pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase()) || pod.getStatus().getPodIP() == null) {
            return false;
        }
        List<PodCondition> conditions = pod.getStatus().getConditions() == null ? List.of() : pod.getStatus().getConditions();
        return conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static ContainerStatus probeContainer(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        return pod.getStatus().getContainerStatuses().stream().filter(c -> ProbePods.PROBE_CONTAINER.equals(c.getName())).findFirst().orElse(null);
    }

    /** The report a probe container left in its termination message, or null. */
    public static String report(Pod pod) {
        ContainerStatus status = probeContainer(pod);
        if (status == null || status.getState() == null || status.getState().getTerminated() == null) {
            return null;
        }
        String message = status.getState().getTerminated().getMessage();
        return message == null || message.isBlank() ? null : message;
    }

    public static boolean finishedWithoutReport(Pod pod) {
        ContainerStatus status = probeContainer(pod);
        boolean terminated = status != null && status.getState() != null && status.getState().getTerminated() != null;
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return terminated || "Failed".equals(phase) || "Succeeded".equals(phase);
    }

    /** Every planned check of a reporting pod with its result: from the report, else failed with why there is none. */
    public static List<ConnectivityReport.Outcome> outcomes(Pod pod, Instant now, Instant started) {
        Map<String, ProbeResult> results = new LinkedHashMap<>();
        boolean unlistedPassed = false;
        String report = report(pod);
        String problem = null;
        if (report != null) {
            try {
                JsonNode json = JSON.readTree(report);
                for (JsonNode check : json.path("checks")) {
                    ProbeResult result = JSON.treeToValue(check, ProbeResult.class);
                    results.put(result.id(), result);
                }
                unlistedPassed = json.path("failedNotListed").asInt(0) == 0 && json.has("passedNotListed");
            } catch (Exception e) {
                problem = "the probe report could not be read: " + e.getMessage();
            }
        } else {
            problem = problem(pod, now, started);
        }
        List<ConnectivityReport.Outcome> outcomes = new ArrayList<>();
        for (ProbePods.Preset preset : ProbePods.presetResults(pod)) {
            outcomes.add(outcome(preset.check(), preset.result()));
        }
        for (ProbeCheck check : ProbePods.plannedChecks(pod)) {
            ProbeResult result = results.get(check.id());
            if (result == null) {
                // A pod that never reported says nothing about the network: its checks were not run (and say why).
                result = problem != null ? new ProbeResult(check.id(), ProbeResult.SKIPPED, null, ConnectivityReport.NOT_RUN + problem)
                        : unlistedPassed ? new ProbeResult(check.id(), ProbeResult.PASSED, null, "passed (details left out of the 4 KiB report)")
                        : new ProbeResult(check.id(), ProbeResult.SKIPPED, null, "not in the report (4 KiB limit)");
            }
            outcomes.add(outcome(check, result));
        }
        return outcomes;
    }

    /** Why a probe pod has no report, in words a user can act on. */
    public static String problem(Pod pod, Instant now, Instant started) {
        long seconds = Duration.between(started, now).toSeconds();
        if (pod.getStatus() == null) {
            return "probe pod " + pod.getMetadata().getName() + " has no status after " + seconds + " s (no kubelet took it)";
        }
        for (PodCondition condition : pod.getStatus().getConditions() == null ? List.<PodCondition>of() : pod.getStatus().getConditions()) {
            if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())) {
                return "probe pod unschedulable: " + (condition.getMessage() != null ? condition.getMessage() : condition.getReason());
            }
        }
        List<ContainerStatus> containers = new ArrayList<>();
        if (pod.getStatus().getInitContainerStatuses() != null) {
            containers.addAll(pod.getStatus().getInitContainerStatuses());
        }
        if (pod.getStatus().getContainerStatuses() != null) {
            containers.addAll(pod.getStatus().getContainerStatuses());
        }
        for (ContainerStatus container : containers) {
            if (container.getState() != null && container.getState().getWaiting() != null
                    && container.getState().getWaiting().getReason() != null
                    && !"ContainerCreating".equals(container.getState().getWaiting().getReason())
                    && !"PodInitializing".equals(container.getState().getWaiting().getReason())) {
                var waiting = container.getState().getWaiting();
                return "probe pod container " + container.getName() + " " + waiting.getReason()
                        + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage());
            }
            if (ProbePods.PROBE_CONTAINER.equals(container.getName()) && container.getState() != null
                    && container.getState().getTerminated() != null) {
                var terminated = container.getState().getTerminated();
                return "probe container exited with code " + terminated.getExitCode() + " without a report"
                        + (terminated.getReason() == null ? "" : " (" + terminated.getReason() + ")");
            }
        }
        String phase = pod.getStatus().getPhase();
        if ("Failed".equals(phase)) {
            return "probe pod failed: " + (pod.getStatus().getReason() == null ? "" : pod.getStatus().getReason() + " ")
                    + Objects.requireNonNullElse(pod.getStatus().getMessage(), "");
        }
        return "probe pod " + (phase == null ? "not started" : phase) + " and without a report after " + seconds + " s (run deadline)";
    }

    /** The check that stands for a probe object the API refused, named as the checks it would have run are. */
    public static ConnectivityReport.Outcome refused(HasMetadata object, String message) {
        Role role = object instanceof Pod pod ? Role.of(pod) : null;
        String node = object instanceof Pod pod ? ProbePods.pinnedNode(pod) : null;
        String suffix = node != null ? node : object.getMetadata().getName();
        ProbeCheck check;
        if (role == Role.echo) {
            check = ProbeCheck.tcp("pod-to-pod-" + suffix, null, 0).on(ProbePath.PodToPod.name(), "probe client pod", "echo pod on " + suffix);
        } else if (role == Role.host_echo) {
            check = ProbeCheck.tcp("node-to-node-" + suffix, null, 0).on(ProbePath.NodeToNode.name(), "a node", "node " + suffix);
        } else if (role == Role.local) {
            check = ProbeCheck.tcp("container-to-container", null, 0).on(ProbePath.ContainerToContainer.name(), "probe container",
                    "echo container of the same pod over localhost");
        } else if (role == Role.node_client) {
            check = ProbeCheck.tcp("node-to-node-client", null, 0).on(ProbePath.NodeToNode.name(), "a node", "the other nodes");
        } else if (role == Role.client) {
            check = ProbeCheck.tcp("probe-client", null, 0).on("Probe", "the operator", "the probe client pod (every client check)");
        } else {
            check = ProbeCheck.tcp("load-balancing", null, 0).on(ProbePath.PodToService.name(), "probe client pod", "probe echo Service");
        }
        return outcome(check, new ProbeResult(check.id(), ProbeResult.FAILED, null, message));
    }

    /** A check and its result as status reports them. */
    public static ConnectivityReport.Outcome outcome(ProbeCheck check, ProbeResult result) {
        CheckStatus.Result verdict = switch (result.result()) {
            case ProbeResult.PASSED -> CheckStatus.Result.Passed;
            case ProbeResult.SKIPPED -> CheckStatus.Result.Skipped;
            default -> CheckStatus.Result.Failed;
        };
        return new ConnectivityReport.Outcome(check.id(), check.network(), check.from(), check.to(), verdict, result.millis(), result.message());
    }
}
