package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.Getter;
import lombok.Setter;

/** A Gateway a route attaches to (Gateway API {@code parentRefs}): the Gateway exists already; the topology never makes one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class RouteParentRef {

    @JsonPropertyDescription("Name of the Gateway.")
    @Required
    @Pattern(ServiceSpec.DNS_1123_SUBDOMAIN)
    @Size(min = 1, max = 253)
    private String name;

    @JsonPropertyDescription("Namespace of the Gateway; the topology's own when omitted. The Gateway's listener must allow routes from the topology's namespace.")
    @Pattern(ServiceSpec.DNS_1035_LABEL)
    @Size(max = 63)
    private String namespace;

    @JsonPropertyDescription("Name of one listener of the Gateway; every listener that accepts the route when omitted.")
    @Pattern(ServiceSpec.DNS_1123_SUBDOMAIN)
    @Size(max = 253)
    private String sectionName;

    @JsonPropertyDescription("Port of the Gateway's listeners to attach to; every port when omitted.")
    @Min(1)
    @Max(65535)
    private Integer port;

    public RouteParentRef() {
    }

    public RouteParentRef(String name, String namespace, String sectionName, Integer port) {
        this.name = name;
        this.namespace = namespace;
        this.sectionName = sectionName;
        this.port = port;
    }
}
