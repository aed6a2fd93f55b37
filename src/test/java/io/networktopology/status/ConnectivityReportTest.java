package io.networktopology.status;

import io.networktopology.api.v1alpha1.CheckStatus;
import io.networktopology.api.v1alpha1.ConnectivityStatus;
import io.networktopology.probe.ProbeCheck;
import io.networktopology.probe.ProbeResult;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectivityReportTest {

    static final ProbeCheck TCP = ProbeCheck.tcp("svc-ip-web-80", "10.96.0.10", 80).on("PodToService", "probe client pod", "ClusterIP 10.96.0.10:80");

    static ConnectivityReport.Outcome outcome(ProbeCheck check, String result, String message) {
        return io.networktopology.probe.ProbeReports.outcome(check, new ProbeResult(check.id(), result, 5L, message));
    }

    static ConnectivityReport.Run run(ConnectivityStatus previous, int minute, ConnectivityReport.Outcome... outcomes) {
        return ConnectivityReport.merge(previous, List.of(outcomes), Instant.parse("2026-11-26T10:00:00Z").plusSeconds(60L * minute),
                "run" + minute, 1L, null, null);
    }

    @Test
    void aFailureCountsUpIsDampedOpensAnOutageAndClosesItOnRecovery() {
        ConnectivityReport.Run first = run(null, 0, outcome(TCP, ProbeResult.PASSED, "connected"));
        assertThat(first.status().getSummary()).isEqualTo("1/1 passed");
        assertThat(ConnectivityReport.verdict(first.status(), true, 2, null).reason()).isEqualTo("AllPathsVerified");

        ConnectivityReport.Run second = run(first.status(), 5, outcome(TCP, ProbeResult.FAILED, "Connection refused"));
        CheckStatus failing = second.status().getChecks().get(0);
        assertThat(failing.getConsecutiveFailures()).isEqualTo(1);
        assertThat(failing.getLastTransitionTime()).isEqualTo("2026-11-26T10:05:00Z");
        assertThat(failing.getLastOutage().getStart()).isEqualTo("2026-11-26T10:05:00Z");
        assertThat(second.startedFailing()).extracting(CheckStatus::getId).containsExactly("svc-ip-web-80");
        ConnectivityReport.Verdict damped = ConnectivityReport.verdict(second.status(), true, 2, null);
        assertThat(damped.status()).isEqualTo("Unknown");
        assertThat(damped.message()).isEqualTo("1 of 1 checks failing, fewer than 2 runs in a row (not an outage yet): "
                + "svc-ip-web-80 (PodToService): Connection refused");

        ConnectivityReport.Run third = run(second.status(), 10, outcome(TCP, ProbeResult.FAILED, "Connection refused"));
        assertThat(third.status().getChecks().get(0).getConsecutiveFailures()).isEqualTo(2);
        assertThat(third.status().getChecks().get(0).getLastTransitionTime()).isEqualTo("2026-11-26T10:05:00Z");
        assertThat(third.startedFailing()).isEmpty();
        ConnectivityReport.Verdict down = ConnectivityReport.verdict(third.status(), true, 2, null);
        assertThat(down.status()).isEqualTo("False");
        assertThat(down.message()).isEqualTo("0/1 passed; failing: svc-ip-web-80 (PodToService): Connection refused");

        ConnectivityReport.Run fourth = run(third.status(), 15, outcome(TCP, ProbeResult.PASSED, "connected"));
        CheckStatus recovered = fourth.status().getChecks().get(0);
        assertThat(recovered.getConsecutiveFailures()).isZero();
        assertThat(recovered.getLastOutage().getStart()).isEqualTo("2026-11-26T10:05:00Z");
        assertThat(recovered.getLastOutage().getEnd()).isEqualTo("2026-11-26T10:15:00Z");
        assertThat(fourth.recovered()).extracting(CheckStatus::getId).containsExactly("svc-ip-web-80");
        assertThat(ConnectivityReport.verdict(fourth.status(), true, 2, null).status()).isEqualTo("True");
    }

    @Test
    void aDnsCheckAskedOfEveryReplicaIsOneCheckThatPassesOnlyWhenAllServeIt() {
        ProbeCheck dns = ProbeCheck.dns("dns-a-web", null, "web.shop.svc.cluster.local", "A", List.of("10.96.0.10"))
                .on("DNS", "probe client pod", "A web.shop.svc.cluster.local");
        ConnectivityReport.Run run = run(null, 0,
                outcome(dns.withId("dns-a-web@coredns-a").on("DNS", "probe client pod", "A web.shop.svc.cluster.local from CoreDNS pod coredns-a"),
                        ProbeResult.PASSED, "10.96.0.10"),
                outcome(dns.withId("dns-a-web@coredns-b").on("DNS", "probe client pod", "A web.shop.svc.cluster.local from CoreDNS pod coredns-b"),
                        ProbeResult.FAILED, "NXDOMAIN for web.shop.svc.cluster.local. A"));
        CheckStatus check = run.status().getChecks().get(0);
        assertThat(run.status().getChecks()).hasSize(1);
        assertThat(check.getId()).isEqualTo("dns-a-web");
        assertThat(check.getTo()).isEqualTo("A web.shop.svc.cluster.local");
        assertThat(check.getResult()).isEqualTo(CheckStatus.Result.Failed);
        assertThat(check.getMessage()).isEqualTo("served by 1/2 CoreDNS pods; coredns-b: NXDOMAIN for web.shop.svc.cluster.local. A");
    }

    @Test
    void beforeTheFirstRunTheConditionIsUnknownAndOffIsSaid() {
        assertThat(ConnectivityReport.verdict(null, true, 2, "mwx1").status()).isEqualTo("Unknown");
        assertThat(ConnectivityReport.verdict(null, true, 2, "mwx1").message()).contains("probe run mwx1 in progress");
        assertThat(ConnectivityReport.verdict(null, false, 2, null).reason()).isEqualTo("ProbesDisabled");
    }

    @Test
    void aCheckLeftOutOfARunKeepsItsHistory() {
        ConnectivityReport.Run failed = run(null, 0, outcome(TCP, ProbeResult.FAILED, "Connection refused"));
        ConnectivityReport.Run skipped = run(failed.status(), 5, outcome(TCP, ProbeResult.SKIPPED, "not in the report (4 KiB limit)"));
        CheckStatus check = skipped.status().getChecks().get(0);
        assertThat(check.getResult()).isEqualTo(CheckStatus.Result.Skipped);
        assertThat(check.getConsecutiveFailures()).isEqualTo(1);
        assertThat(check.getLastOutage().getStart()).isEqualTo("2026-11-26T10:00:00Z");
        assertThat(check.getMessage()).startsWith("not run this time");
        ConnectivityReport.Run again = run(skipped.status(), 10, outcome(TCP, ProbeResult.FAILED, "Connection refused"));
        assertThat(again.status().getChecks().get(0).getConsecutiveFailures()).isEqualTo(2);
        assertThat(again.startedFailing()).isEmpty();
    }

    @Test
    void checksWhosePodsNeverRanAreNotRunNotFailedAndTheConditionSaysWhyOnce() {
        String pull = "probe pod container probe ErrImagePull: pull access denied for network-topology-operator";
        ConnectivityReport.Run run = run(null, 0, outcome(TCP, ProbeResult.SKIPPED, ConnectivityReport.NOT_RUN + pull),
                outcome(ProbeCheck.tcp("svc-ip-db-5432", "10.96.0.12", 5432).on("PodToService", "probe client pod", "db"), ProbeResult.SKIPPED,
                        ConnectivityReport.NOT_RUN + pull));
        assertThat(run.status().getSummary()).isEqualTo("0/0 passed, 2 not run");
        assertThat(run.startedFailing()).isEmpty();
        ConnectivityReport.Verdict verdict = ConnectivityReport.verdict(run.status(), true, 1, null);
        assertThat(verdict.status()).isEqualTo("Unknown");
        assertThat(verdict.reason()).isEqualTo("ProbesPending");
        assertThat(verdict.message()).isEqualTo("2 of 2 checks not run: " + pull);

        // Long reasons (the kubelet's pull errors) are cut to what a person needs, once per distinct reason.
        String backOff = "probe pod container echo ImagePullBackOff: Back-off pulling image \"localhost/nto/missing:1\": ErrImagePull: failed to"
                + " pull and unpack image \"localhost/nto/missing:1\": failed to resolve reference \"localhost/nto/missing:1\": connection refused";
        ConnectivityReport.Run pulled = run(null, 0, outcome(TCP, ProbeResult.SKIPPED, ConnectivityReport.NOT_RUN + backOff),
                outcome(ProbeCheck.tcp("svc-ip-db-5432", "10.96.0.12", 5432).on("PodToService", "probe client pod", "db"), ProbeResult.SKIPPED,
                        ConnectivityReport.NOT_RUN + backOff.replace("container echo", "container probe")));
        assertThat(ConnectivityReport.verdict(pulled.status(), true, 1, null).message())
                .isEqualTo("2 of 2 checks not run: probe pod ImagePullBackOff: Back-off pulling image \"localhost/nto/missing:1\" …");

        // A network failure still wins: it is news about the network.
        ConnectivityReport.Run failed = run(null, 0, outcome(TCP, ProbeResult.FAILED, "Connection refused"),
                outcome(ProbeCheck.tcp("svc-ip-db-5432", "10.96.0.12", 5432).on("PodToService", "probe client pod", "db"), ProbeResult.SKIPPED,
                        ConnectivityReport.NOT_RUN + pull));
        assertThat(ConnectivityReport.verdict(failed.status(), true, 1, null).status()).isEqualTo("False");
    }

    @Test
    void aLoadBalancerCheckThatDoesNotApplyFromTheProbePodNeitherHoldsTheVerdictNorFails() {
        ProbeCheck lb = ProbeCheck.tcp("lb-front-443-10.99.1.10", "10.99.1.10", 443).withSourceRanges(List.of("203.0.113.0/24"))
                .on("ExternalToService", "probe client pod", "load balancer 10.99.1.10:443 → front");
        String why = ProbeResult.NOT_APPLICABLE + "loadBalancerSourceRanges 203.0.113.0/24 do not admit this probe pod (10.244.0.7)";
        ConnectivityReport.Run first = run(null, 0, outcome(TCP, ProbeResult.PASSED, "connected"), outcome(lb, ProbeResult.SKIPPED, why));
        assertThat(first.status().getSummary()).isEqualTo("1/1 passed, 1 not applicable");
        ConnectivityReport.Verdict verdict = ConnectivityReport.verdict(first.status(), true, 1, null);
        assertThat(verdict.status()).isEqualTo("True");
        assertThat(verdict.reason()).isEqualTo("AllPathsVerified");

        // The next run says the same, not "not run this time … last result": nothing is pending.
        ConnectivityReport.Run second = run(first.status(), 1, outcome(TCP, ProbeResult.PASSED, "connected"), outcome(lb, ProbeResult.SKIPPED, why));
        assertThat(second.status().getChecks()).filteredOn(c -> c.getId().startsWith("lb-")).singleElement()
                .satisfies(c -> assertThat(c.getMessage()).isEqualTo(why));
        assertThat(ConnectivityReport.verdict(second.status(), true, 1, null).status()).isEqualTo("True");
    }

    /** Twenty-three checks refused alike are one clause, not twenty-three near-identical ones. */
    @Test
    void checksThatFailAlikeShareOneClause() {
        List<CheckStatus> failing = new java.util.ArrayList<>();
        for (int i = 0; i < 21; i++) {
            failing.add(failed("svc-ip-s" + i + "-80", "PodToService", "connect timed out after 2000 ms"));
        }
        failing.add(failed("dns-a-web", "DNS", "served by 0/2 CoreDNS pods"));
        failing.add(failed("nodeport-admin-8080-node1", "NodePort", "Connection refused"));
        failing.add(failed("nodeport-admin-8080-node2", "NodePort", "No route to host"));
        assertThat(ConnectivityReport.describe(failing)).isEqualTo("svc-ip-s0-80 (PodToService), svc-ip-s1-80 (PodToService), "
                + "svc-ip-s2-80 (PodToService) and 18 more: connect timed out after 2000 ms; dns-a-web (DNS): served by 0/2 CoreDNS pods; "
                + "nodeport-admin-8080-node1 (NodePort): Connection refused; and 1 more failing otherwise");
        assertThat(ConnectivityReport.describe(failing.subList(21, 22))).isEqualTo("dns-a-web (DNS): served by 0/2 CoreDNS pods");
    }

    private static CheckStatus failed(String id, String path, String message) {
        CheckStatus check = new CheckStatus();
        check.setId(id);
        check.setPath(path);
        check.setResult(CheckStatus.Result.Failed);
        check.setMessage(message);
        return check;
    }
    @Test
    void failuresThatAllGoThroughOneNodeNameThatNode() {
        // kube-proxy stopped on node2: the Service paths from node2 and node2's NodePort fail; the same from node1 pass.
        ProbeCheck fromB = ProbeCheck.tcp("svc-ip-web-80-from-node2", "10.96.0.10", 80)
                .on("PodToService", "probe client pod on node2", "ClusterIP 10.96.0.10:80");
        ProbeCheck fromA = ProbeCheck.tcp("svc-ip-web-80", "10.96.0.10", 80).on("PodToService", "probe client pod on node1", "ClusterIP 10.96.0.10:80");
        ProbeCheck portB = ProbeCheck.tcp("nodeport-web-8080-node2", "10.99.0.2", 30081)
                .on("ExternalToService", "probe client pod on node1", "NodePort 10.99.0.2:30081 → web:8080");
        ConnectivityReport.Run run = run(null, 0, outcome(fromB, ProbeResult.FAILED, "NoRouteToHostException: No route to host"),
                outcome(portB, ProbeResult.FAILED, "ConnectException: Connection refused"), outcome(fromA, ProbeResult.PASSED, "connected"));
        assertThat(ConnectivityReport.verdict(run.status(), true, 1, null).message()).startsWith("1/3 passed; failing: "
                + "every failing check goes from or to node2, the others pass (look at that node: its kube-proxy, routes, CNI); "
                + "svc-ip-web-80-from-node2 (PodToService): NoRouteToHostException");
        // A failure on both nodes names none.
        ConnectivityReport.Run both = run(null, 0, outcome(fromB, ProbeResult.FAILED, "refused"), outcome(fromA, ProbeResult.FAILED, "refused"),
                outcome(portB, ProbeResult.PASSED, "connected"));
        assertThat(ConnectivityReport.verdict(both.status(), true, 1, null).message()).doesNotContain("every failing check");
    }
}
