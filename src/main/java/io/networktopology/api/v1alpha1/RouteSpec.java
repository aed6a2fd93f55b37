package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.Getter;
import lombok.Setter;

import java.util.List;
import java.util.Map;

/** What every declared Gateway API route has, whatever its kind: its name, its Gateways, its hostnames, its metadata. */
@Getter
@Setter
public abstract class RouteSpec {

    @JsonPropertyDescription("Name of the route (DNS subdomain).")
    @Required
    @Pattern(ServiceSpec.DNS_1123_SUBDOMAIN)
    @Size(min = 1, max = 253)
    private String name;

    @JsonPropertyDescription("The Gateways (and listeners) the route attaches to.")
    @Required
    @Size(min = 1, max = 32)
    private List<RouteParentRef> parentRefs;

    @JsonPropertyDescription("Hosts the route serves, e.g. shop.example.com or *.shop.example.com: the Host header (HTTP), the :authority"
            + " (gRPC), the SNI name (TLS, where they are required); TCP and UDP routes take none.")
    @Size(max = 16)
    private List<String> hostnames;

    @JsonPropertyDescription("Extra labels for the route.")
    private Map<String, String> labels;

    @JsonPropertyDescription("Extra annotations for the route.")
    private Map<String, String> annotations;

    /** The rules, whatever their kind. */
    public abstract List<? extends RouteRule> rules();
}
