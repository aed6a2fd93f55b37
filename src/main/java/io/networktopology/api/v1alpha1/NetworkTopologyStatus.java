package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.networktopology.api.ContentEquality;
import lombok.Getter;
import lombok.Setter;

import java.util.ArrayList;
import java.util.List;

/** What the operator observed. Written only by the operator, and only when it changes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class NetworkTopologyStatus extends ContentEquality {

    @JsonPropertyDescription("The metadata.generation of the spec this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Ready (the roll-up) and one condition per part of the topology.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Services in place out of those declared, e.g. 4/5.")
    private String servicesReady;

    @JsonPropertyDescription("One entry per declared service: addresses, DNS names and how traffic reaches it.")
    private List<ServiceStatus> services = new ArrayList<>();

    @JsonPropertyDescription("Ingresses in place out of those declared, e.g. 1/2.")
    private String ingressesReady;

    @JsonPropertyDescription("One entry per declared ingress: hosts, addresses and URLs.")
    private List<IngressStatus> ingresses = new ArrayList<>();

    @JsonPropertyDescription("Gateway API routes accepted by their Gateways out of those declared, e.g. 2/3; absent without routes.")
    private String routesReady;

    @JsonPropertyDescription("One entry per declared Gateway API route: its Gateways and what they said of it.")
    private List<RouteStatus> routes;

    @JsonPropertyDescription("Every way into the topology from outside the cluster: NodePorts, load balancers, ingress URLs.")
    private List<EntryPoint> entryPoints = new ArrayList<>();

    @JsonPropertyDescription("How the cluster's DNS was changed: strategy, entries and their state.")
    private DnsStatus dns;

    @JsonPropertyDescription("What the connectivity probes found: summary and one entry per check.")
    private ConnectivityStatus connectivity;
}
