package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.networktopology.api.ContentEquality;
import lombok.Getter;
import lombok.Setter;

/** One way into the topology from outside the cluster, and where it leads. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class EntryPoint extends ContentEquality {

    /** How the traffic enters. */
    public enum Kind {
        NodePort, LoadBalancer, Ingress, Gateway
    }

    @JsonPropertyDescription("How the traffic enters: NodePort (node addresses and node port), LoadBalancer (load balancer address and port), Ingress (an ingress URL) or Gateway (a Gateway API route through a Gateway listener).")
    private Kind kind;
    @JsonPropertyDescription("What a client connects to: node addresses and port, load balancer address and port, or URL.")
    private String address;
    @JsonPropertyDescription("The topology service it leads to.")
    private String service;
    @JsonPropertyDescription("The whole way in, hop by hop.")
    private String path;

    public EntryPoint() {
    }

    public EntryPoint(Kind kind, String address, String service, String path) {
        this.kind = kind;
        this.address = address;
        this.service = service;
        this.path = path;
    }
}
