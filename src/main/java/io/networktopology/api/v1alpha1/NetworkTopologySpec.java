package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

import java.util.ArrayList;
import java.util.List;

/** What the user declares. The operator never writes to it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class NetworkTopologySpec {

    @JsonPropertyDescription("Services to create in the topology's namespace, one Service per entry.")
    @Size(max = ServiceSpec.MAX_SERVICES)
    @ValidationRule(value = "self.all(s, self.exists_one(t, t.name == s.name))",
            message = "service names must be unique within a topology", reason = "FieldValueInvalid")
    private List<ServiceSpec> services = new ArrayList<>();

    @JsonPropertyDescription("Ingresses to create in the topology's namespace; their backends are services of this topology.")
    @Size(max = IngressSpec.MAX_INGRESSES)
    @ValidationRule(value = "self.all(i, self.exists_one(j, j.name == i.name))",
            message = "ingress names must be unique within a topology", reason = "FieldValueInvalid")
    private List<IngressSpec> ingresses = new ArrayList<>();

    @JsonPropertyDescription("Gateway API HTTPRoutes to create in the topology's namespace, attached to existing Gateways; their backends are services of this topology.")
    @Size(max = HTTPRouteSpec.MAX_ROUTES)
    @ValidationRule(value = "self.all(r, self.exists_one(q, q.name == r.name))",
            message = "httpRoute names must be unique within a topology", reason = "FieldValueInvalid")
    private List<HTTPRouteSpec> httpRoutes;

    @JsonPropertyDescription("Gateway API GRPCRoutes, as httpRoutes.")
    @Size(max = HTTPRouteSpec.MAX_ROUTES)
    @ValidationRule(value = "self.all(r, self.exists_one(q, q.name == r.name))",
            message = "grpcRoute names must be unique within a topology", reason = "FieldValueInvalid")
    private List<GRPCRouteSpec> grpcRoutes;

    @JsonPropertyDescription("Gateway API TLSRoutes (TLS passthrough by SNI); hostnames are required.")
    @Size(max = HTTPRouteSpec.MAX_ROUTES)
    @ValidationRule(value = "self.all(r, self.exists_one(q, q.name == r.name))",
            message = "tlsRoute names must be unique within a topology", reason = "FieldValueInvalid")
    @ValidationRule(value = "self.all(r, has(r.hostnames) && size(r.hostnames) > 0)",
            message = "a tlsRoute needs hostnames (the SNI names it takes)", reason = "FieldValueRequired")
    private List<StreamRouteSpec> tlsRoutes;

    @JsonPropertyDescription("Gateway API TCPRoutes: every connection to the listener goes to the backends.")
    @Size(max = HTTPRouteSpec.MAX_ROUTES)
    @ValidationRule(value = "self.all(r, self.exists_one(q, q.name == r.name))",
            message = "tcpRoute names must be unique within a topology", reason = "FieldValueInvalid")
    @ValidationRule(value = "self.all(r, !has(r.hostnames))", message = "a tcpRoute takes no hostnames", reason = "FieldValueForbidden")
    private List<StreamRouteSpec> tcpRoutes;

    @JsonPropertyDescription("Gateway API UDPRoutes: every datagram to the listener goes to the backends.")
    @Size(max = HTTPRouteSpec.MAX_ROUTES)
    @ValidationRule(value = "self.all(r, self.exists_one(q, q.name == r.name))",
            message = "udpRoute names must be unique within a topology", reason = "FieldValueInvalid")
    @ValidationRule(value = "self.all(r, !has(r.hostnames))", message = "a udpRoute takes no hostnames", reason = "FieldValueForbidden")
    private List<StreamRouteSpec> udpRoutes;

    @JsonPropertyDescription("Connectivity probes: which paths to verify and how often.")
    private ProbesSpec probes;

    @JsonPropertyDescription("DNS aliases, static hosts and stub domains, served by the cluster's CoreDNS.")
    private DnsSpec dns;
}
