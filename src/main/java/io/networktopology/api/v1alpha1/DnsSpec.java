package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

import java.util.ArrayList;
import java.util.List;

/** DNS changes the topology asks of the cluster's CoreDNS; what is allowed is the cluster admin's policy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class DnsSpec {

    public static final String NAME = "^([a-z0-9]([-a-z0-9]*[a-z0-9])?\\.)+[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    @JsonPropertyDescription("Names answered with the records of a service of this topology (the answer name stays the question).")
    @Size(max = 32)
    @ValidationRule(value = "self.all(a, self.exists_one(b, b.name == a.name))", message = "alias names must be unique",
            reason = "FieldValueInvalid")
    private List<Alias> aliases = new ArrayList<>();

    @JsonPropertyDescription("Static A/AAAA records, with PTR answers for their addresses.")
    @Size(max = 32)
    @ValidationRule(value = "self.all(a, self.exists_one(b, b.hostname == a.hostname))", message = "hostnames must be unique",
            reason = "FieldValueInvalid")
    private List<Host> hosts = new ArrayList<>();

    @JsonPropertyDescription("Zones forwarded to other DNS servers.")
    @Size(max = 16)
    @ValidationRule(value = "self.all(a, self.exists_one(b, b.domain == a.domain))", message = "stub domains must be unique",
            reason = "FieldValueInvalid")
    private List<StubDomain> stubDomains = new ArrayList<>();

    @JsonIgnore
    public boolean isEmpty() {
        return (aliases == null || aliases.isEmpty()) && (hosts == null || hosts.isEmpty())
                && (stubDomains == null || stubDomains.isEmpty());
    }

    /** A DNS name that resolves to a service of the topology. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Getter
    @Setter
    public static class Alias {
        @JsonPropertyDescription("The name, e.g. web.shop.internal (lowercase, at least two labels).")
        @Required
        @Pattern(NAME)
        @Size(max = 253)
        private String name;

        @JsonPropertyDescription("A service declared in this topology's spec.services.")
        @Required
        @Size(min = 1, max = 63)
        private String service;

        public Alias() {
        }

        public Alias(String name, String service) {
            this.name = name;
            this.service = service;
        }
    }

    /** A static host record. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Getter
    @Setter
    public static class Host {
        @JsonPropertyDescription("The name, e.g. legacy.shop.internal.")
        @Required
        @Pattern(NAME)
        @Size(max = 253)
        private String hostname;

        @JsonPropertyDescription("IPv4 and/or IPv6 addresses.")
        @Required
        @Size(min = 1, max = 16)
        private List<String> addresses;

        public Host() {
        }

        public Host(String hostname, List<String> addresses) {
            this.hostname = hostname;
            this.addresses = addresses;
        }
    }

    /** A zone forwarded to other servers. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Getter
    @Setter
    public static class StubDomain {
        @JsonPropertyDescription("The zone, e.g. corp.example.")
        @Required
        @Pattern(NAME)
        @Size(max = 253)
        private String domain;

        @JsonPropertyDescription("DNS servers: IP, IP:port or [IPv6]:port.")
        @Required
        @Size(min = 1, max = 8)
        private List<String> upstreams;

        public StubDomain() {
        }

        public StubDomain(String domain, List<String> upstreams) {
            this.domain = domain;
            this.upstreams = upstreams;
        }
    }
}
