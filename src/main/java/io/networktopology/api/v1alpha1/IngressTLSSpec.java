package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import lombok.Getter;
import lombok.Setter;

import java.util.List;

/** Hosts served over TLS with the certificate in a Secret of the topology's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class IngressTLSSpec {

    @JsonPropertyDescription("Hosts the certificate covers; each should also appear in a rule.")
    @Size(max = 32)
    private List<String> hosts;

    @JsonPropertyDescription("The kubernetes.io/tls Secret holding the certificate and key.")
    @Pattern(ServiceSpec.DNS_1123_SUBDOMAIN)
    @Size(max = 253)
    private String secretName;

    public IngressTLSSpec() {
    }

    public IngressTLSSpec(List<String> hosts, String secretName) {
        this.hosts = hosts;
        this.secretName = secretName;
    }
}
