package io.networktopology.dns;

import io.networktopology.api.v1alpha1.DnsSpec;
import io.networktopology.api.v1alpha1.DnsStatus.EntryState;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.model.DnsNames;
import io.networktopology.model.ServiceModel;
import io.networktopology.model.TopologyValidator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Merges the DNS entries of every topology in the cluster into one deterministic set: entries sorted by name, a name
 * claimed twice kept by the older topology, entries the policy forbids left out. Pure, so that the same topologies
 * always give the same Corefile and an unchanged cluster writes nothing.
 */
public final class DnsPlan {

    /** The fate of one entry of one topology. */
    public record EntryResult(String kind, String name, EntryState state, String message) {
    }

    private final DnsEntries entries;
    private final Map<String, List<EntryResult>> results;

    private DnsPlan(DnsEntries entries, Map<String, List<EntryResult>> results) {
        this.entries = entries;
        this.results = results;
    }

    public DnsEntries entries() {
        return entries;
    }

    /** Results for one topology ("namespace/name"), in spec order. */
    public List<EntryResult> resultsFor(NetworkTopology topology) {
        return results.getOrDefault(key(topology), List.of());
    }

    /** The topologies ("namespace/name") whose entries fare differently in this plan than in {@code before}. */
    public java.util.Set<String> changedSince(DnsPlan before) {
        java.util.Set<String> changed = new java.util.HashSet<>();
        java.util.Set<String> keys = new java.util.HashSet<>(results.keySet());
        keys.addAll(before.results.keySet());
        for (String key : keys) {
            if (!Objects.equals(results.get(key), before.results.get(key))) {
                changed.add(key);
            }
        }
        return changed;
    }

    public static String key(NetworkTopology topology) {
        return topology.getMetadata().getNamespace() + "/" + topology.getMetadata().getName();
    }

    public static DnsPlan of(List<NetworkTopology> topologies, DnsSettings settings) {
        List<NetworkTopology> ordered = new ArrayList<>(topologies.stream()
                .filter(t -> t.getSpec() != null && t.getSpec().getDns() != null && !t.getSpec().getDns().isEmpty())
                .filter(t -> t.getMetadata().getDeletionTimestamp() == null)
                .filter(t -> TopologyValidator.validate(t).isEmpty())
                .toList());
        ordered.sort(Comparator.comparing((NetworkTopology t) -> created(t))
                .thenComparing(t -> t.getMetadata().getNamespace())
                .thenComparing(t -> t.getMetadata().getName()));

        Map<String, String> nameOwners = new HashMap<>();
        Map<String, String> stubOwners = new HashMap<>();
        List<DnsEntries.Alias> aliases = new ArrayList<>();
        List<DnsEntries.Host> hosts = new ArrayList<>();
        List<DnsEntries.StubDomain> stubs = new ArrayList<>();
        Map<String, List<EntryResult>> results = new LinkedHashMap<>();
        for (NetworkTopology topology : ordered) {
            String owner = key(topology);
            String namespace = ServiceModel.namespaceOf(topology);
            DnsSpec dns = topology.getSpec().getDns();
            List<EntryResult> mine = new ArrayList<>();
            for (DnsSpec.Alias alias : orEmpty(dns.getAliases())) {
                claim(mine, "Alias", alias.getName(), settings.policyViolation(alias.getName(), namespace), nameOwners, owner,
                        () -> aliases.add(new DnsEntries.Alias(alias.getName(), DnsNames.serviceFqdn(alias.getService(), namespace,
                                settings.clusterDomain()))));
            }
            for (DnsSpec.Host host : orEmpty(dns.getHosts())) {
                claim(mine, "Host", host.getHostname(), settings.policyViolation(host.getHostname(), namespace), nameOwners, owner,
                        () -> hosts.add(new DnsEntries.Host(host.getHostname(), List.copyOf(host.getAddresses()))));
            }
            for (DnsSpec.StubDomain stub : orEmpty(dns.getStubDomains())) {
                claim(mine, "StubDomain", stub.getDomain(), settings.stubDomainViolation(stub.getDomain(), namespace), stubOwners, owner,
                        () -> stubs.add(new DnsEntries.StubDomain(stub.getDomain(), List.copyOf(stub.getUpstreams()))));
            }
            results.put(owner, mine);
        }
        aliases.sort(Comparator.comparing(DnsEntries.Alias::name));
        hosts.sort(Comparator.comparing(DnsEntries.Host::hostname));
        stubs.sort(Comparator.comparing(DnsEntries.StubDomain::domain));
        return new DnsPlan(new DnsEntries(aliases, hosts, stubs), results);
    }

    /** One entry's claim on its name: refused by the policy, lost to an older topology, or won (then {@code apply}). */
    private static void claim(List<EntryResult> mine, String kind, String name, String violation, Map<String, String> owners, String owner,
            Runnable apply) {
        String winner = violation == null ? owners.putIfAbsent(name, owner) : null;
        if (violation != null) {
            mine.add(new EntryResult(kind, name, EntryState.PolicyViolation, violation));
        } else if (winner != null) {
            mine.add(new EntryResult(kind, name, EntryState.Conflict, name + " is already claimed by topology " + winner + ", which is older"));
        } else {
            apply.run();
            mine.add(new EntryResult(kind, name, EntryState.Applied, null));
        }
    }

    private static Instant created(NetworkTopology t) {
        String created = t.getMetadata().getCreationTimestamp();
        return created == null ? Instant.MAX : Instant.parse(created);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list.stream().filter(Objects::nonNull).toList();
    }
}
