package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

import java.util.List;
import java.util.Map;

/**
 * One declared Service. The CEL rules repeat Kubernetes' own cross-field rules so that a bad
 * topology is refused at admission instead of failing later when the Service is written.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.externalName) == (has(self.type) && self.type == 'ExternalName')",
        message = "externalName is required when type is ExternalName and not allowed for other types",
        fieldPath = ".externalName", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.type) || self.type != 'ExternalName' || (!has(self.selector) && (!has(self.ports) || size(self.ports) == 0))",
        message = "an ExternalName service takes no selector and no ports", reason = "FieldValueForbidden")
@ValidationRule(value = "(has(self.type) && (self.type == 'ExternalName' || self.type == 'Headless')) || (has(self.ports) && size(self.ports) > 0)",
        message = "ports are required for ClusterIP, NodePort and LoadBalancer services",
        fieldPath = ".ports", reason = "FieldValueRequired")
@ValidationRule(value = "(has(self.type) && (self.type == 'NodePort' || self.type == 'LoadBalancer')) || !has(self.ports) || self.ports.all(p, !has(p.nodePort))",
        message = "nodePort is allowed only for NodePort and LoadBalancer services", reason = "FieldValueForbidden")
@ValidationRule(value = "!has(self.externalTrafficPolicy) || (has(self.type) && (self.type == 'NodePort' || self.type == 'LoadBalancer'))",
        message = "externalTrafficPolicy is allowed only for NodePort and LoadBalancer services", reason = "FieldValueForbidden")
@ValidationRule(value = "(!has(self.loadBalancerClass) && !has(self.loadBalancerSourceRanges)) || (has(self.type) && self.type == 'LoadBalancer')",
        message = "loadBalancerClass and loadBalancerSourceRanges are allowed only for LoadBalancer services", reason = "FieldValueForbidden")
@ValidationRule(value = "!has(self.type) || self.type != 'ExternalName' || (!has(self.ipFamilyPolicy) && !has(self.ipFamilies) && !has(self.internalTrafficPolicy) && !has(self.sessionAffinity) && !has(self.publishNotReadyAddresses))",
        message = "ipFamilyPolicy, ipFamilies, internalTrafficPolicy, sessionAffinity and publishNotReadyAddresses do not apply to ExternalName services",
        reason = "FieldValueForbidden")
@ValidationRule(value = "!has(self.ipFamilies) || size(self.ipFamilies) < 2 || (has(self.ipFamilyPolicy) && self.ipFamilyPolicy != 'SingleStack')",
        message = "two ipFamilies need ipFamilyPolicy PreferDualStack or RequireDualStack", fieldPath = ".ipFamilyPolicy",
        reason = "FieldValueInvalid")
@Getter
@Setter
public class ServiceSpec {

    public static final int MAX_SERVICES = 64;
    public static final int MAX_PORTS = 32;
    public static final String DNS_1035_LABEL = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
    public static final String DNS_1123_SUBDOMAIN =
            "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\.?$";

    @JsonPropertyDescription("Name of the Service (DNS-1035 label: lowercase letters, digits and '-', starting with a letter).")
    @Required
    @Pattern(DNS_1035_LABEL)
    @Size(min = 1, max = 63)
    private String name;

    @JsonPropertyDescription("ClusterIP (default), Headless, NodePort, LoadBalancer or ExternalName.")
    @Default("ClusterIP")
    private ServiceType type;

    @JsonPropertyDescription("Pods this service sends traffic to. Omit it to manage endpoints yourself.")
    private Map<String, String> selector;

    @JsonPropertyDescription("Ports of the service.")
    @Size(max = MAX_PORTS)
    @ValidationRule(value = "size(self) <= 1 || self.all(p, has(p.name))",
            message = "every port needs a name when a service has more than one port", reason = "FieldValueRequired")
    @ValidationRule(value = "self.all(p, !has(p.name) || self.exists_one(q, has(q.name) && q.name == p.name))",
            message = "port names must be unique within a service", reason = "FieldValueInvalid")
    @ValidationRule(value = "self.all(p, self.exists_one(q, q.port == p.port && (has(q.protocol) ? q.protocol : 'TCP') == (has(p.protocol) ? p.protocol : 'TCP')))",
            message = "port and protocol must be unique within a service", reason = "FieldValueInvalid")
    @ValidationRule(value = "self.all(p, !has(p.nodePort) || self.exists_one(q, has(q.nodePort) && q.nodePort == p.nodePort && (has(q.protocol) ? q.protocol : 'TCP') == (has(p.protocol) ? p.protocol : 'TCP')))",
            message = "nodePort and protocol must be unique within a service", reason = "FieldValueInvalid")
    private List<ServicePortSpec> ports;

    @JsonPropertyDescription("For ExternalName services: the DNS name the service's name is a CNAME for.")
    @Pattern(DNS_1123_SUBDOMAIN)
    @Size(max = 253)
    private String externalName;

    @JsonPropertyDescription("SingleStack, PreferDualStack or RequireDualStack.")
    private IPFamilyPolicy ipFamilyPolicy;

    @JsonPropertyDescription("IPv4 and/or IPv6, in order of preference.")
    @Size(max = 2)
    @ValidationRule(value = "size(self) < 2 || self[0] != self[1]", message = "ipFamilies must not repeat a family",
            reason = "FieldValueInvalid")
    private List<IPFamily> ipFamilies;

    @JsonPropertyDescription("None (default) or ClientIP: send each client to the same pod.")
    private SessionAffinity sessionAffinity;

    @JsonPropertyDescription("NodePort/LoadBalancer only: Cluster (default) or Local (keeps the client IP, only node-local pods).")
    private TrafficPolicy externalTrafficPolicy;

    @JsonPropertyDescription("Cluster (default) or Local (in-cluster callers only reach pods on their own node).")
    private TrafficPolicy internalTrafficPolicy;

    @JsonPropertyDescription("LoadBalancer only: which load balancer implementation serves this service.")
    @Size(max = 253)
    private String loadBalancerClass;

    @JsonPropertyDescription("LoadBalancer only: CIDRs allowed to reach the load balancer.")
    @Size(max = 64)
    private List<String> loadBalancerSourceRanges;

    @JsonPropertyDescription("Publish DNS records for pods that are not ready (e.g. for StatefulSet peer discovery).")
    private Boolean publishNotReadyAddresses;

    @JsonPropertyDescription("Extra labels for the Service.")
    private Map<String, String> labels;

    @JsonPropertyDescription("Extra annotations for the Service (e.g. cloud load balancer settings).")
    private Map<String, String> annotations;

    /** The type with the schema default applied, for API servers (and the offline renderer) that do not default. */
    public ServiceType effectiveType() {
        return type == null ? ServiceType.ClusterIP : type;
    }
}
