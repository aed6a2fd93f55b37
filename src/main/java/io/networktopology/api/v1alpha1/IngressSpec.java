package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

import java.util.List;
import java.util.Map;

/** One declared Ingress: how traffic from outside the cluster reaches the topology's services. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.rules) && size(self.rules) > 0) || has(self.defaultBackend)",
        message = "an ingress needs at least one rule or a defaultBackend", reason = "FieldValueRequired")
@Getter
@Setter
public class IngressSpec {

    public static final int MAX_INGRESSES = 16;
    public static final int MAX_RULES = 16;
    public static final int MAX_PATHS = 32;

    @JsonPropertyDescription("Name of the Ingress (DNS subdomain).")
    @Required
    @Pattern(ServiceSpec.DNS_1123_SUBDOMAIN)
    @Size(min = 1, max = 253)
    private String name;

    @JsonPropertyDescription("The IngressClass that should serve it (ingressClassName). Omit for the cluster's default class.")
    @Pattern(ServiceSpec.DNS_1123_SUBDOMAIN)
    @Size(max = 253)
    private String className;

    @JsonPropertyDescription("Backend for requests that match no rule.")
    private IngressBackendSpec defaultBackend;

    @JsonPropertyDescription("Hosts served over TLS and their certificate Secrets.")
    @Size(max = 16)
    private List<IngressTLSSpec> tls;

    @JsonPropertyDescription("Hosts and paths, each leading to a service of this topology.")
    @Size(max = MAX_RULES)
    private List<IngressRuleSpec> rules;

    @JsonPropertyDescription("Extra labels for the Ingress.")
    private Map<String, String> labels;

    @JsonPropertyDescription("Extra annotations for the Ingress (e.g. controller settings).")
    private Map<String, String> annotations;
}
