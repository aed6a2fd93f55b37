package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

import java.util.List;

/** A host (or every host, when omitted) and the paths served for it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class IngressRuleSpec {

    public static final String HOST = "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    @JsonPropertyDescription("Exact host (shop.example.com) or a wildcard covering one leftmost label (*.example.com). Omit to match every host.")
    @Pattern(HOST)
    @Size(max = 253)
    @ValidationRule(value = "!self.matches('^[0-9]+(\\\\.[0-9]+){3}$')", message = "host must be a DNS name, not an IP address")
    private String host;

    @JsonPropertyDescription("Paths served for this host.")
    @Size(min = 1, max = IngressSpec.MAX_PATHS)
    private List<IngressPathSpec> paths;

    public IngressRuleSpec() {
    }

    public IngressRuleSpec(String host, List<IngressPathSpec> paths) {
        this.host = host;
        this.paths = paths;
    }
}
