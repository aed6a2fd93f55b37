package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.Getter;
import lombok.Setter;

import java.util.List;

/** What became of one declared Gateway API route: written or not, and what its Gateways said of it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class RouteStatus {

    /** Ready: every Gateway accepted it and resolved its backends. */
    public enum State { Ready, Pending, NotAccepted, Conflict, Rejected, NotInstalled }

    @JsonPropertyDescription("HTTPRoute, GRPCRoute, TLSRoute, TCPRoute or UDPRoute.")
    private String kind;

    @JsonPropertyDescription("Name of the route.")
    private String name;

    @JsonPropertyDescription("Ready, Pending (no Gateway has answered yet), NotAccepted (a Gateway refused it or cannot resolve a backend), Conflict, Rejected (the API server refused it) or NotInstalled (the cluster does not serve this kind).")
    private State state;

    @JsonPropertyDescription("The Gateways it attaches to (namespace/name, /listener when given).")
    private List<String> gateways;

    @JsonPropertyDescription("Why it is not Ready, in the Gateway's own words where it gave them.")
    private String message;
}
