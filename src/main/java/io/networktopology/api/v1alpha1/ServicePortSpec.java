package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.IntOrString;
import lombok.Getter;
import lombok.Setter;

/** One port of a declared service. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class ServicePortSpec {

    public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    @JsonPropertyDescription("Port name (DNS label). Required when the service has more than one port; named ports get SRV records.")
    @Pattern(DNS_LABEL)
    @Size(max = 63)
    private String name;

    @JsonPropertyDescription("The port the Service listens on.")
    @Required
    @Min(1)
    @Max(65535)
    private Integer port;

    @JsonPropertyDescription("The pods' port: a number (1-65535) or the name of a container port. Defaults to port.")
    // No CEL rule here: the API server's cost estimate refuses any rule on an int-or-string (its string has no
    // length bound), so the range and name syntax are checked by the reconciler.
    private IntOrString targetPort;

    @JsonPropertyDescription("TCP, UDP or SCTP.")
    @Default("TCP")
    private PortProtocol protocol;

    @JsonPropertyDescription("Fixed node port (30000-32767) for NodePort and LoadBalancer services; allocated by the API server when omitted.")
    @Min(30000)
    @Max(32767)
    private Integer nodePort;

    @JsonPropertyDescription("The application protocol, e.g. http, https, kubernetes.io/h2c.")
    @Size(max = 256)
    private String appProtocol;

    public ServicePortSpec() {
    }

    public ServicePortSpec(String name, Integer port, IntOrString targetPort) {
        this.name = name;
        this.port = port;
        this.targetPort = targetPort;
    }
}
