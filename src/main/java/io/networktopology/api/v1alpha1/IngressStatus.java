package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.networktopology.api.ContentEquality;
import lombok.Getter;
import lombok.Setter;

import java.util.List;

/** What one declared ingress became. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class IngressStatus extends ContentEquality {

    /** Where the Ingress stands. */
    public enum State {
        /** Exists, matches the spec, and the ingress controller published an address. */
        Ready,
        /** Written, waiting for the ingress controller to publish an address. */
        AwaitingAddress,
        /** An Ingress of this name, or one of its routes, belongs to someone else; nothing was changed. */
        Conflict,
        /** Not written yet. */
        Pending,
        /** The API server or an admission webhook refused the declared Ingress; what exists stays as it was, retried. */
        Rejected
    }

    @JsonPropertyDescription("Name of the Ingress, as declared in spec.ingresses (in the topology's namespace).")
    private String name;
    @JsonPropertyDescription("The IngressClass from the spec (ingressClassName); absent when the spec leaves it to the cluster's default class.")
    private String className;
    @JsonPropertyDescription("Ready (written, and the ingress controller published an address), AwaitingAddress (written, no address published yet), Conflict (an Ingress of this name, or one of its routes, belongs to someone else; nothing was changed) or Pending (not created yet).")
    private State state;
    @JsonPropertyDescription("Why the ingress is not Ready, or a warning, for humans.")
    private String message;
    @JsonPropertyDescription("Hosts of its rules.")
    private List<String> hosts;
    @JsonPropertyDescription("Addresses published by the ingress controller (status.loadBalancer.ingress).")
    private List<String> addresses;
    @JsonPropertyDescription("URLs it serves; https where a TLS entry covers the host.")
    private List<String> urls;
}
