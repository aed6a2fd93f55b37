package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.networktopology.api.ContentEquality;
import lombok.Getter;
import lombok.Setter;

import java.util.ArrayList;
import java.util.List;

/** How the cluster's DNS was changed for this topology. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class DnsStatus extends ContentEquality {

    /** How the operator changes CoreDNS on this cluster. */
    public enum Strategy {
        /** Managed parts edited into the Corefile itself. */
        Inline,
        /** The Corefile imports a custom-files ConfigMap (k3s, AKS); the operator writes there and restarts CoreDNS. */
        Import,
        /** The Corefile is missing or owned by something that reverts edits; nothing is changed. */
        Unsupported
    }

    /** Where one entry stands. */
    public enum EntryState {
        Applied, Conflict, PolicyViolation, Pending
    }

    @JsonPropertyDescription("How the operator changes CoreDNS on this cluster: Inline (edits the Corefile itself), Import (writes the custom-files ConfigMap the Corefile imports, as on k3s and AKS, and restarts CoreDNS) or Unsupported (no usable Corefile, or one that something else reverts; nothing is changed).")
    private Strategy strategy;
    @JsonPropertyDescription("The ConfigMap written, namespace/name.")
    private String configMap;
    @JsonPropertyDescription("Whether the server block serving the entries has the reload plugin (changes are picked up without a restart).")
    private Boolean reload;
    @JsonPropertyDescription("Warnings and explanations for humans.")
    private List<String> notes = new ArrayList<>();
    @JsonPropertyDescription("One entry per declared alias, host and stub domain, in spec order (aliases, then hosts, then stub domains), with whether it is served.")
    private List<DnsEntryStatus> entries = new ArrayList<>();

    /** One alias, host or stub domain of the topology. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Getter
    @Setter
    public static class DnsEntryStatus extends ContentEquality {
        /** Alias, Host or StubDomain. */
        @JsonPropertyDescription("Alias, Host or StubDomain: the list of spec.dns the entry comes from.")
        private String kind;
        @JsonPropertyDescription("The declared name: the alias or host name, or the stub domain's zone.")
        private String name;
        @JsonPropertyDescription("Applied (written into the CoreDNS configuration), Conflict (an older topology already claims the name), PolicyViolation (the operator's DNS policy forbids it for this namespace, e.g. inside the cluster domain or outside the allowed zones) or Pending (allowed but not served yet: the CoreDNS configuration could not be changed, or queries for the alias go to a server block without the kubernetes plugin).")
        private EntryState state;
        @JsonPropertyDescription("Why the entry is not Applied, for humans; absent when it is.")
        private String message;

        public DnsEntryStatus() {
        }

        public DnsEntryStatus(String kind, String name, EntryState state, String message) {
            this.kind = kind;
            this.name = name;
            this.state = state;
            this.message = message;
        }
    }
}
