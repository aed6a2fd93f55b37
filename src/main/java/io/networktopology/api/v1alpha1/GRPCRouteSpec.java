package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

import java.util.List;
import java.util.Map;

/** One declared GRPCRoute (Gateway API, {@code gateway.networking.k8s.io/v1}), with the Gateway API's field names. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class GRPCRouteSpec extends RouteSpec {

    @JsonPropertyDescription("What matches and where it goes.")
    @Required
    @Size(min = 1, max = 16)
    private List<Rule> rules;

    @Override
    public List<Rule> rules() {
        return rules;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Getter
    @Setter
    public static class Rule implements RouteRule {
        @JsonPropertyDescription("gRPC methods, any of which makes a call this rule's (every call when omitted).")
        @Size(max = 8)
        private List<Match> matches;

        @JsonPropertyDescription("Services of this topology the matching calls go to, split by weight.")
        @Required
        @Size(min = 1, max = 16)
        private List<RouteBackendRef> backendRefs;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Getter
    @Setter
    public static class Match {
        @JsonPropertyDescription("The gRPC service and/or method (exact names).")
        @Required
        private MethodMatch method;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "has(self.service) || has(self.method)", message = "one or both of service and method must be given",
            reason = "FieldValueRequired")
    @Getter
    @Setter
    public static class MethodMatch {
        @JsonPropertyDescription("The fully qualified service, e.g. grpc.health.v1.Health.")
        @Pattern("^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$")
        @Size(max = 1024)
        private String service;

        @JsonPropertyDescription("The method, e.g. Check.")
        @Pattern("^[A-Za-z_][A-Za-z_0-9]*$")
        @Size(max = 1024)
        private String method;

        public MethodMatch() {
        }

        public MethodMatch(String service, String method) {
            this.service = service;
            this.method = method;
        }
    }
}
