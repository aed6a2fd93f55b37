package io.networktopology.status;

import io.networktopology.api.v1alpha1.CheckStatus;
import io.networktopology.api.v1alpha1.ConnectivityStatus;
import io.networktopology.api.v1alpha1.OutageWindow;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns the results of a probe run into {@code status.connectivity}, carrying each check's history (consecutive
 * failures, last transition, last outage) over from the previous run, and decides ConnectivityVerified with damping:
 * a check fails the condition only after {@code failureThreshold} failed runs in a row. Pure.
 */
public final class ConnectivityReport {

    /**
     * A planned check (its id, network path, from and to, as status shows them) and what its probe reported. Made by
     * the probe side ({@code ProbeReports.outcome}): status knows nothing of probe checks.
     */
    public record Outcome(String id, String path, String from, String to, CheckStatus.Result result, Long millis, String message) {
    }

    /** The start of the message of a check skipped because it does not apply where it ran: neither pending nor failed. */
    public static final String NOT_APPLICABLE = "not applicable: ";

    /** The condition's verdict: status True, False or Unknown. */
    public record Verdict(String status, String reason, String message) {
    }

    /** The new status, and the checks that started or stopped failing in this run (for Events). */
    public record Run(ConnectivityStatus status, List<CheckStatus> startedFailing, List<CheckStatus> recovered) {
    }

    /** The start of the message of a check that was not run because its probe pod never ran (not a network verdict). */
    public static final String NOT_RUN = "not run: ";
    /** The message of a check not run this time that has a history: why, then its last result (written by merge). */
    private static final java.util.regex.Pattern NOT_RUN_AGAIN = java.util.regex.Pattern.compile("^not run this time \\((.*?)\\); last result: (.*)$",
            java.util.regex.Pattern.DOTALL);

    private ConnectivityReport() {
    }

    public static Run merge(ConnectivityStatus previous, List<Outcome> outcomes, Instant finished, String runId, Long generation,
            String request, String runMessage) {
        return merge(previous, outcomes, finished, runId, generation, request, runMessage, null, List.of());
    }

    /**
     * @param coverage  which nodes were probed and why the others were not, or null
     * @param notChecked what the topology promises that no check of this run covered, with why
     */
    public static Run merge(ConnectivityStatus previous, List<Outcome> outcomes, Instant finished, String runId, Long generation,
            String request, String runMessage, String coverage, List<String> notChecked) {
        String now = finished.truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, CheckStatus> before = new LinkedHashMap<>();
        if (previous != null && previous.getChecks() != null) {
            previous.getChecks().forEach(c -> before.put(c.getId(), c));
        }
        List<CheckStatus> checks = new ArrayList<>();
        List<CheckStatus> startedFailing = new ArrayList<>();
        List<CheckStatus> recovered = new ArrayList<>();
        for (List<Outcome> group : byCheck(outcomes).values()) {
            CheckStatus check = aggregate(group);
            CheckStatus old = before.get(check.getId());
            if (notApplicable(check)) {
                // Skipped by design (the load balancer admits only other sources), every time: no history to keep.
                check.setConsecutiveFailures(0);
                check.setLastTransitionTime(old == null || old.getLastTransitionTime() == null || !notApplicable(old) ? now : old.getLastTransitionTime());
                checks.add(check);
                continue;
            }
            if (check.getResult() == CheckStatus.Result.Skipped && old != null) {
                // Not run this time (its pod never ran, or it was left out of a full report): no news about the network,
                // so its history stands, but it is not claimed to have passed (or failed) again.
                check.setConsecutiveFailures(old.getConsecutiveFailures());
                check.setLastTransitionTime(old.getLastTransitionTime());
                check.setLastOutage(old.getLastOutage());
                check.setLatencyMs(null);
                java.util.regex.Matcher again = NOT_RUN_AGAIN.matcher(old.getMessage() == null ? "" : old.getMessage());
                String last = again.matches() ? again.group(2) : old.getMessage() == null ? "" : old.getMessage();
                String why = check.getMessage() == null ? "no reason given" : why(check.getMessage());
                check.setMessage("not run this time (" + why + "); last result: "
                        + (old.getResult() == CheckStatus.Result.Skipped ? last : old.getResult() + ": " + last));
                checks.add(check);
                continue;
            }
            // A check not run last time was failing if it had been failing before that.
            boolean wasFailing = old != null && (old.getResult() == CheckStatus.Result.Failed
                    || old.getResult() == CheckStatus.Result.Skipped && old.getConsecutiveFailures() != null && old.getConsecutiveFailures() > 0);
            if (check.getResult() == CheckStatus.Result.Failed) {
                check.setConsecutiveFailures(old == null || old.getConsecutiveFailures() == null ? 1 : old.getConsecutiveFailures() + 1);
                if (wasFailing) {
                    check.setLastTransitionTime(old.getLastTransitionTime());
                    check.setLastOutage(old.getLastOutage());
                } else {
                    check.setLastTransitionTime(now);
                    OutageWindow outage = new OutageWindow();
                    outage.setStart(now);
                    check.setLastOutage(outage);
                    startedFailing.add(check);
                }
            } else {
                check.setConsecutiveFailures(0);
                check.setLastOutage(old == null ? null : old.getLastOutage());
                if (wasFailing && check.getResult() == CheckStatus.Result.Passed) {
                    check.setLastTransitionTime(now);
                    if (old.getLastOutage() != null) {
                        OutageWindow closed = new OutageWindow();
                        closed.setStart(old.getLastOutage().getStart());
                        closed.setEnd(now);
                        check.setLastOutage(closed);
                    }
                    recovered.add(check);
                } else {
                    check.setLastTransitionTime(old == null || old.getLastTransitionTime() == null ? now : old.getLastTransitionTime());
                }
            }
            checks.add(check);
        }
        ConnectivityStatus status = new ConnectivityStatus();
        status.setLastRun(now);
        status.setLastRunId(runId);
        status.setObservedGeneration(generation);
        status.setLastRequest(request);
        status.setMessage(runMessage);
        status.setChecks(checks);
        status.setSummary(summary(checks));
        status.setCoverage(coverage);
        status.setNotChecked(notChecked == null || notChecked.isEmpty() ? null : List.copyOf(notChecked));
        return new Run(status, startedFailing, recovered);
    }

    static String summary(List<CheckStatus> checks) {
        long run = checks.stream().filter(c -> c.getResult() != CheckStatus.Result.Skipped).count();
        long passed = checks.stream().filter(c -> c.getResult() == CheckStatus.Result.Passed).count();
        long notApplicable = checks.stream().filter(ConnectivityReport::notApplicable).count();
        long notRun = checks.size() - run - notApplicable;
        return passed + "/" + run + " passed" + (notRun > 0 ? ", " + notRun + " not run" : "")
                + (notApplicable > 0 ? ", " + notApplicable + " not applicable" : "");
    }

    /** Skipped because it does not apply where it ran ({@link #NOT_APPLICABLE}): neither pending nor failed. */
    static boolean notApplicable(CheckStatus check) {
        return check.getResult() == CheckStatus.Result.Skipped && check.getMessage() != null
                && check.getMessage().startsWith(NOT_APPLICABLE);
    }

    /** Checks asked of several CoreDNS replicas ({@code id@replica}) are one check: passed only if every replica passed. */
    private static Map<String, List<Outcome>> byCheck(List<Outcome> outcomes) {
        Map<String, List<Outcome>> groups = new LinkedHashMap<>();
        for (Outcome outcome : outcomes) {
            groups.computeIfAbsent(baseId(outcome.id()), k -> new ArrayList<>()).add(outcome);
        }
        return groups;
    }

    static String baseId(String id) {
        int at = id.indexOf('@');
        return at < 0 ? id : id.substring(0, at);
    }

    private static CheckStatus aggregate(List<Outcome> group) {
        Outcome first = group.get(0);
        CheckStatus check = new CheckStatus();
        check.setId(baseId(first.id()));
        check.setPath(first.path());
        check.setFrom(first.from());
        String to = first.to();
        check.setLatencyMs(group.stream().map(Outcome::millis).filter(java.util.Objects::nonNull).max(Long::compare).orElse(null));
        if (group.size() == 1 && !first.id().contains("@")) {
            check.setTo(to);
            check.setResult(first.result());
            check.setMessage(first.message());
            return check;
        }
        int at = to == null ? -1 : to.indexOf(" from CoreDNS pod ");
        check.setTo(at < 0 ? to : to.substring(0, at));
        List<Outcome> failed = group.stream().filter(o -> o.result() != CheckStatus.Result.Passed).toList();
        long passed = group.size() - failed.size();
        String served = "served by " + passed + "/" + group.size() + " CoreDNS pods";
        if (failed.isEmpty()) {
            check.setResult(CheckStatus.Result.Passed);
            check.setMessage(served + ": " + first.message());
        } else {
            boolean allSkipped = failed.stream().allMatch(o -> o.result() == CheckStatus.Result.Skipped);
            if (allSkipped && passed == 0) {
                // Asked of no replica at all (one pod asks them all): why it did not run, once.
                check.setResult(CheckStatus.Result.Skipped);
                check.setMessage(first.message());
                return check;
            }
            check.setResult(CheckStatus.Result.Failed);
            check.setMessage(served + "; " + failed.stream()
                    .map(o -> o.id().substring(o.id().indexOf('@') + 1) + ": " + o.message())
                    .collect(Collectors.joining("; ")));
        }
        return check;
    }

    /**
     * ConnectivityVerified: Unknown before the first run, while checks could not run, and while checks fail fewer than
     * {@code threshold} runs in a row (named: not an outage yet); False when a check failed {@code threshold} runs in a
     * row; True when every check that could run passed.
     */
    public static Verdict verdict(ConnectivityStatus connectivity, boolean probing, int threshold, String runInProgress) {
        if (!probing) {
            return new Verdict("True", Reasons.PROBES_DISABLED, "connectivity probes are switched off for this topology");
        }
        if (connectivity == null || connectivity.getChecks() == null) {
            return new Verdict("Unknown", Reasons.PROBES_PENDING, runInProgress != null
                    ? "probe run " + runInProgress + " in progress; no results yet" : "the first probe run has not started yet");
        }
        List<CheckStatus> failing = connectivity.getChecks().stream()
                .filter(c -> c.getResult() == CheckStatus.Result.Failed).toList();
        List<CheckStatus> down = failing.stream()
                .filter(c -> c.getConsecutiveFailures() != null && c.getConsecutiveFailures() >= threshold).toList();
        if (!down.isEmpty()) {
            return new Verdict("False", Reasons.CONNECTIVITY_FAILED, connectivity.getSummary() + "; failing: " + where(down, connectivity.getChecks())
                    + describe(down));
        }
        String note = connectivity.getMessage() == null ? "" : "; " + connectivity.getMessage();
        List<CheckStatus> notRun = connectivity.getChecks().stream()
                .filter(c -> c.getResult() == CheckStatus.Result.Skipped && !notApplicable(c)).toList();
        if (!notRun.isEmpty()) {
            // The probes could not look (their pods did not run): neither verified nor failed. Unknown does not hold Ready back.
            return new Verdict("Unknown", Reasons.PROBES_PENDING, notRun.size() + " of " + connectivity.getChecks().size()
                    + " checks not run: " + reasons(notRun) + note);
        }
        if (connectivity.getChecks().stream().noneMatch(c -> c.getResult() == CheckStatus.Result.Passed) && failing.isEmpty()) {
            return new Verdict("True", Reasons.NOTHING_TO_PROBE, "nothing to probe for the chosen paths" + note);
        }
        if (!failing.isEmpty()) {
            // Not verified (some paths failed), not failed either (damped by failureThreshold): Unknown, which does not
            // hold Ready back. "True" beside "0/23 passed" read as a contradiction.
            return new Verdict("Unknown", Reasons.FAILURES_BELOW_THRESHOLD, failing.size() + " of " + connectivity.getChecks().size()
                    + " checks failing, fewer than " + threshold + " runs in a row (not an outage yet): " + where(failing, connectivity.getChecks())
                    + describe(failing) + note);
        }
        if (connectivity.getNotChecked() != null && !connectivity.getNotChecked().isEmpty()) {
            // Every check passed, but a path the topology promises had none: not the whole promise verified.
            return new Verdict("True", Reasons.VERIFIED_WITH_GAPS, connectivity.getSummary() + "; not checked: "
                    + String.join("; ", connectivity.getNotChecked()) + note);
        }
        return new Verdict("True", Reasons.ALL_PATHS_VERIFIED, connectivity.getSummary() + note);
    }

    private static final java.util.regex.Pattern CLIENT_NODE = java.util.regex.Pattern.compile("(?: on |^node )(\\S+)(?: \\(hostNetwork\\))?$");

    /**
     * The one node every failing check runs from or goes to, when there is one and checks through the other nodes pass:
     * "every failing check goes from or to node2 (…)", so that a node's kube-proxy or routes read as that node's fault.
     */
    static String where(List<CheckStatus> failing, List<CheckStatus> all) {
        java.util.Set<String> nodes = new java.util.TreeSet<>();
        for (CheckStatus check : all) {
            java.util.regex.Matcher m = CLIENT_NODE.matcher(check.getFrom() == null ? "" : check.getFrom());
            if (m.find()) {
                nodes.add(m.group(1));
            }
        }
        List<String> common = nodes.stream().filter(node -> failing.stream().allMatch(c -> involves(c, node))).toList();
        boolean othersPass = all.stream().anyMatch(c -> c.getResult() == CheckStatus.Result.Passed
                && common.size() == 1 && !involves(c, common.get(0)));
        return nodes.size() > 1 && common.size() == 1 && othersPass ? "every failing check goes from or to " + common.get(0)
                + ", the others pass (look at that node: its kube-proxy, routes, CNI); " : "";
    }

    private static boolean involves(CheckStatus check, String node) {
        java.util.regex.Pattern word = java.util.regex.Pattern.compile("(^|[\\s(-])" + java.util.regex.Pattern.quote(node) + "($|[\\s)-])");
        return word.matcher(check.getId()).find() || check.getFrom() != null && word.matcher(check.getFrom()).find()
                || check.getTo() != null && word.matcher(check.getTo()).find();
    }

    /** The distinct reasons checks were not run, at most three, for one readable sentence instead of one clause per check. */
    private static String reasons(List<CheckStatus> notRun) {
        List<String> distinct = notRun.stream().map(c -> c.getMessage() == null ? "no reason given" : brief(why(c.getMessage())))
                .distinct().toList();
        return String.join("; ", distinct.subList(0, Math.min(3, distinct.size())))
                + (distinct.size() > 3 ? "; and " + (distinct.size() - 3) + " more reasons" : "");
    }

    /** Why a check was not run, from its message ("not run: why" or "not run this time (why); last result: …"). */
    private static String why(String message) {
        java.util.regex.Matcher again = NOT_RUN_AGAIN.matcher(message);
        return again.matches() ? again.group(1) : message.replaceFirst("^" + NOT_RUN, "");
    }

    /** A long reason cut to its first two parts ("probe pod ImagePullBackOff: Back-off pulling image "x""); no container names. */
    static String brief(String reason) {
        if (reason.length() <= 160) {
            return reason;
        }
        String r = reason.replaceFirst("^probe pod container [a-z0-9-]+ ", "probe pod ");
        int first = r.indexOf(": ");
        int second = first < 0 ? -1 : r.indexOf(": ", first + 2);
        return second < 0 ? r : r.substring(0, second) + " …";
    }

    /**
     * The failing checks in one readable sentence: checks that failed the same way share one clause (at most three ids
     * named, then a count), at most three clauses, then how many more checks. Twenty-three checks refused alike read
     * as one clause, not twenty-three near-identical ones.
     */
    /** The start of {@link CheckStatus#getPolicy()} for a check whose path a NetworkPolicy blocks. */
    public static final String POLICY_BLOCKED = "blocked by policy: ";

    static String describe(List<CheckStatus> checks) {
        java.util.Map<String, List<CheckStatus>> byMessage = new java.util.LinkedHashMap<>();
        for (CheckStatus check : checks) {
            // A path a NetworkPolicy blocks reads as that (what the probe saw, often "Connection refused", says less).
            String key = check.getPolicy() != null && check.getPolicy().startsWith(POLICY_BLOCKED) ? check.getPolicy()
                    : check.getMessage() == null ? "no message" : brief(check.getMessage());
            byMessage.computeIfAbsent(key, m -> new ArrayList<>()).add(check);
        }
        List<String> clauses = new ArrayList<>();
        int shown = 0;
        for (java.util.Map.Entry<String, List<CheckStatus>> group : byMessage.entrySet()) {
            if (clauses.size() == 3) {
                break;
            }
            List<CheckStatus> same = group.getValue();
            String ids = same.stream().limit(3).map(c -> c.getId() + " (" + c.getPath() + ")").collect(Collectors.joining(", "))
                    + (same.size() > 3 ? " and " + (same.size() - 3) + " more" : "");
            clauses.add(ids + ": " + group.getKey());
            shown += same.size();
        }
        return String.join("; ", clauses) + (shown < checks.size() ? "; and " + (checks.size() - shown) + " more failing otherwise" : "");
    }
}
