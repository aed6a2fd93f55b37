package io.networktopology.status;

import io.networktopology.api.v1alpha1.DnsStatus;
import io.networktopology.api.v1alpha1.DnsStatus.DnsEntryStatus;
import io.networktopology.api.v1alpha1.DnsStatus.EntryState;
import io.networktopology.dns.DnsPlan;
import io.networktopology.dns.DnsSync;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Turns a topology's share of the DNS plan and the result of writing it into {@code status.dns} and DnsConfigured. */
public final class DnsReport {

    /** The condition's verdict: True with a reason, or False with the first failing reason. */
    public record Verdict(boolean ok, String reason, String message) {
    }

    private DnsReport() {
    }

    public static DnsStatus status(List<DnsPlan.EntryResult> results, DnsSync.Result sync) {
        DnsStatus status = new DnsStatus();
        status.setStrategy(sync.strategy());
        status.setConfigMap(sync.configMap());
        status.setReload(sync.reload());
        List<String> notes = new ArrayList<>(sync.notes());
        if (sync.failure() != null) {
            notes.add(0, sync.failure());
        }
        status.setNotes(notes);
        List<DnsEntryStatus> entries = new ArrayList<>();
        for (DnsPlan.EntryResult r : results) {
            EntryState state = r.state();
            String message = r.message();
            if (state == EntryState.Applied && !sync.applied()) {
                state = EntryState.Pending;
                message = sync.failure() != null ? sync.failure() : String.join("; ", sync.notes());
            } else if (state == EntryState.Applied && sync.unservedAliases().containsKey(r.name()) && "Alias".equals(r.kind())) {
                state = EntryState.Pending;
                message = sync.unservedAliases().get(r.name());
            }
            entries.add(new DnsEntryStatus(r.kind(), r.name(), state, message));
        }
        status.setEntries(entries);
        return status;
    }

    public static Verdict verdict(DnsStatus status, DnsSync.Result sync) {
        if (sync.failureReason() != null) {
            return new Verdict(false, sync.failureReason(), sync.failure());
        }
        if (sync.strategy() == DnsStatus.Strategy.Unsupported && !status.getEntries().isEmpty()) {
            return new Verdict(false, Reasons.DNS_UNSUPPORTED, String.join("; ", sync.notes()));
        }
        for (EntryState state : List.of(EntryState.PolicyViolation, EntryState.Conflict, EntryState.Pending)) {
            List<DnsEntryStatus> matching = status.getEntries().stream().filter(e -> e.getState() == state).toList();
            if (!matching.isEmpty()) {
                String reason = switch (state) {
                    case PolicyViolation -> Reasons.DNS_POLICY_VIOLATION;
                    case Conflict -> Reasons.DNS_CONFLICT;
                    default -> Reasons.DNS_PENDING;
                };
                return new Verdict(false, reason, matching.stream().map(e -> e.getKind() + " " + e.getName() + ": " + e.getMessage())
                        .collect(Collectors.joining("; ")));
            }
        }
        String message = status.getEntries().isEmpty() ? "no DNS entries declared"
                : status.getEntries().size() + " DNS " + (status.getEntries().size() == 1 ? "entry" : "entries") + " applied ("
                        + status.getStrategy() + " strategy, " + status.getConfigMap() + ")";
        return new Verdict(true, status.getEntries().isEmpty() ? Reasons.NO_DNS_ENTRIES : Reasons.DNS_APPLIED, message);
    }
}
