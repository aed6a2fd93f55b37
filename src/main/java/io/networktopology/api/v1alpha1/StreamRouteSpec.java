package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.Getter;
import lombok.Setter;

import java.util.List;
import java.util.Map;

/**
 * One declared TLSRoute, TCPRoute or UDPRoute (Gateway API): connections, not requests — a TLSRoute picks its
 * connections by SNI ({@code hostnames}) and passes them through unopened; TCP and UDP routes take every connection of
 * their listener. Field names are the Gateway API's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class StreamRouteSpec extends RouteSpec {

    @JsonPropertyDescription("Where the connections go (TCP and UDP routes of the standard channel take one rule).")
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
        @JsonPropertyDescription("Services of this topology the connections go to, split by weight.")
        @Required
        @Size(min = 1, max = 16)
        private List<RouteBackendRef> backendRefs;
    }
}
