package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.networktopology.api.ContentEquality;
import lombok.Getter;
import lombok.Setter;

import java.util.List;

/** What one declared service became. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class ServiceStatus extends ContentEquality {

    /** Where the Service stands; also the reason shown for it in the ServicesReady condition. */
    public enum State {
        /** Exists, matches the spec and has every address it needs. */
        Ready,
        /** Written, but the API server or a load balancer has not assigned its address yet. */
        AwaitingAddress,
        /** A Service of this name exists and belongs to someone else; it was left untouched. */
        Conflict,
        /** Not written yet (for example because the spec is invalid). */
        Pending,
        /** The API server refused the declared Service (e.g. a nodePort taken); what exists stays as it was, retried. */
        Rejected
    }

    @JsonPropertyDescription("Name of the Service, as declared in spec.services (in the topology's namespace).")
    private String name;
    @JsonPropertyDescription("ClusterIP, Headless, NodePort, LoadBalancer or ExternalName: the declared type, ClusterIP when the spec omits it.")
    private ServiceType type;
    @JsonPropertyDescription("Ready (exists and matches the spec; for a LoadBalancer, its address is assigned), AwaitingAddress (a LoadBalancer waiting for a load balancer controller to assign an address), Conflict (a Service of this name belongs to someone else and was left untouched) or Pending (not created yet).")
    private State state;
    @JsonPropertyDescription("Why the service is not Ready, for humans.")
    private String message;
    @JsonPropertyDescription("Cluster IPs as allocated by the API server (empty for Headless and ExternalName).")
    private List<String> clusterIPs;
    @JsonPropertyDescription("<service>.<namespace>.svc.<cluster-domain>")
    private String fqdn;
    @JsonPropertyDescription("SRV record names of the named ports: _<port>._<protocol>.<fqdn>")
    private List<String> srvNames;
    @JsonPropertyDescription("Reverse-lookup (PTR) names of the cluster IPs.")
    private List<String> ptrNames;
    @JsonPropertyDescription("Node ports as allocated, per service port.")
    private List<NodePortStatus> nodePorts;
    @JsonPropertyDescription("Load balancer IPs or hostnames, once assigned.")
    private List<String> loadBalancerAddresses;
    @JsonPropertyDescription("ExternalName services: the name the service is a CNAME for.")
    private String externalName;
    @JsonPropertyDescription("Ready endpoints in the service's EndpointSlices (selector-based services only).")
    private Integer readyEndpoints;
    @JsonPropertyDescription("How traffic reaches the pods, one line per port.")
    private String path;
}
