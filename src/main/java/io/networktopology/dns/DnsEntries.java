package io.networktopology.dns;

import java.util.List;

/**
 * The merged DNS entries of every topology, in a stable order, as they go into the Corefile.
 *
 * @param aliases names answered with a Service's records (the answer name stays the question)
 * @param hosts static records with their reverse (PTR) answers
 * @param stubDomains zones forwarded to other servers
 */
public record DnsEntries(List<Alias> aliases, List<Host> hosts, List<StubDomain> stubDomains) {

    public record Alias(String name, String target) {
    }

    public record Host(String hostname, List<String> addresses) {
    }

    public record StubDomain(String domain, List<String> upstreams) {
    }

    public static DnsEntries none() {
        return new DnsEntries(List.of(), List.of(), List.of());
    }

    public boolean isEmpty() {
        return aliases.isEmpty() && hosts.isEmpty() && stubDomains.isEmpty();
    }
}
