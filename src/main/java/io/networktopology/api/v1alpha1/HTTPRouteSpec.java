package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

import java.util.List;
import java.util.Map;

/**
 * One declared HTTPRoute (Gateway API, {@code gateway.networking.k8s.io/v1}): the field names are the Gateway API's,
 * so that a user who knows HTTPRoute knows this; backends are services of the topology. The CEL rules repeat the
 * HTTPRoute CRD's own (v1.4), so a route the API server would refuse is refused at admission of the topology, and add
 * two the CRD leaves to run time: a rule sends somewhere (backends or a redirect), and never both (a redirect answers
 * every request, so its backends would never be reached).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class HTTPRouteSpec extends RouteSpec {

    public static final int MAX_ROUTES = 16;
    public static final int MAX_RULES = 16;
    /** A hostname, or a wildcard of one leftmost label ({@code *.example.com}); no IP address, no port, no trailing dot. */
    public static final String HOSTNAME = "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    @JsonPropertyDescription("What matches and where it goes; one rule matching every request (prefix /) when a rule has no matches.")
    @Required
    @Size(min = 1, max = MAX_RULES)
    private List<Rule> rules;

    @Override
    public List<Rule> rules() {
        return rules;
    }

    /** One rule: requests that match any of its matches go to its backends, through its filters. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!(has(self.backendRefs) && size(self.backendRefs) > 0 && has(self.filters) && self.filters.exists(f, f.type == 'RequestRedirect'))",
            message = "a RequestRedirect filter must not be used together with backendRefs", reason = "FieldValueForbidden")
    @ValidationRule(value = "(has(self.backendRefs) && size(self.backendRefs) > 0) || (has(self.filters) && self.filters.exists(f, f.type == 'RequestRedirect'))",
            message = "a rule needs backendRefs or a RequestRedirect filter", reason = "FieldValueRequired")
    @Getter
    @Setter
    public static class Rule implements RouteRule {
        @JsonPropertyDescription("Conditions, any of which makes a request this rule's (a path prefix / when omitted).")
        @Size(max = 8)
        private List<Match> matches;

        @JsonPropertyDescription("Changes to the request on its way (RequestHeaderModifier, ResponseHeaderModifier) or a redirect instead of a backend (RequestRedirect).")
        @Size(max = 16)
        @ValidationRule(value = "self.filter(f, f.type == 'RequestHeaderModifier').size() <= 1 && self.filter(f, f.type == 'ResponseHeaderModifier').size() <= 1 && self.filter(f, f.type == 'RequestRedirect').size() <= 1",
                message = "each filter type may appear at most once in a rule", reason = "FieldValueInvalid")
        private List<Filter> filters;

        @JsonPropertyDescription("Services of this topology the matching requests go to, split by weight.")
        @Size(max = 16)
        private List<RouteBackendRef> backendRefs;
    }

    /** A request condition: every field given must hold. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Getter
    @Setter
    public static class Match {
        @JsonPropertyDescription("The request path.")
        private PathMatch path;

        @JsonPropertyDescription("Headers the request must carry with exactly these values.")
        @Size(max = 16)
        private List<HeaderMatch> headers;

        @JsonPropertyDescription("The request method.")
        private HttpMethod method;
    }

    /** Exact or PathPrefix, as the Gateway API defines them. */
    public enum PathMatchType { Exact, PathPrefix }

    /** The HTTP methods an HTTPRoute can match. */
    public enum HttpMethod { GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.value.startsWith('/')", message = "value must be an absolute path", fieldPath = ".value", reason = "FieldValueInvalid")
    @ValidationRule(value = "!self.value.contains('//') && !self.value.contains('/./') && !self.value.contains('/../') && !self.value.contains('%2f') && !self.value.contains('%2F') && !self.value.contains('#') && !self.value.endsWith('/..') && !self.value.endsWith('/.')",
            message = "value must not contain '//', '/./', '/../', '%2f' or '#', nor end with '/.' or '/..'", fieldPath = ".value", reason = "FieldValueInvalid")
    @Getter
    @Setter
    public static class PathMatch {
        @JsonPropertyDescription("Exact or PathPrefix (default).")
        @Default("PathPrefix")
        private PathMatchType type;

        @JsonPropertyDescription("The path, starting with '/'.")
        @Default("/")
        @Size(max = 1024)
        private String value;

        public PathMatch() {
        }

        public PathMatch(PathMatchType type, String value) {
            this.type = type;
            this.value = value;
        }

        public PathMatchType effectiveType() {
            return type == null ? PathMatchType.PathPrefix : type;
        }

        public String effectiveValue() {
            return value == null ? "/" : value;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Getter
    @Setter
    public static class HeaderMatch {
        @JsonPropertyDescription("The header's name (case-insensitive).")
        @Required
        @Pattern("^[A-Za-z0-9!#$%&'*+\\-.^_\\x60|~]+$")
        @Size(min = 1, max = 256)
        private String name;

        @JsonPropertyDescription("The exact value.")
        @Required
        @Size(min = 1, max = 4096)
        private String value;

        public HeaderMatch() {
        }

        public HeaderMatch(String name, String value) {
            this.name = name;
            this.value = value;
        }
    }

    /** The filter types of the standard channel that this topology can declare. */
    public enum FilterType { RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "(self.type == 'RequestHeaderModifier') == has(self.requestHeaderModifier)",
            message = "requestHeaderModifier must be set for a RequestHeaderModifier filter and only for it", reason = "FieldValueInvalid")
    @ValidationRule(value = "(self.type == 'ResponseHeaderModifier') == has(self.responseHeaderModifier)",
            message = "responseHeaderModifier must be set for a ResponseHeaderModifier filter and only for it", reason = "FieldValueInvalid")
    @ValidationRule(value = "(self.type == 'RequestRedirect') == has(self.requestRedirect)",
            message = "requestRedirect must be set for a RequestRedirect filter and only for it", reason = "FieldValueInvalid")
    @Getter
    @Setter
    public static class Filter {
        @JsonPropertyDescription("RequestHeaderModifier, ResponseHeaderModifier or RequestRedirect.")
        @Required
        private FilterType type;

        @JsonPropertyDescription("Headers to set, add or remove on the request.")
        private HeaderModifier requestHeaderModifier;

        @JsonPropertyDescription("Headers to set, add or remove on the response.")
        private HeaderModifier responseHeaderModifier;

        @JsonPropertyDescription("Answer with a redirect instead of forwarding.")
        private Redirect requestRedirect;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Getter
    @Setter
    public static class HeaderModifier {
        @JsonPropertyDescription("Headers to set, replacing any value.")
        @Size(max = 16)
        private List<HeaderMatch> set;

        @JsonPropertyDescription("Headers to add beside any value.")
        @Size(max = 16)
        private List<HeaderMatch> add;

        @JsonPropertyDescription("Names of headers to remove.")
        @Size(max = 16)
        private List<String> remove;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Getter
    @Setter
    public static class Redirect {
        @JsonPropertyDescription("http or https; the request's when omitted.")
        @Pattern("^(http|https)$")
        private String scheme;

        @JsonPropertyDescription("The host to redirect to; the request's when omitted.")
        @Pattern(HOSTNAME)
        @Size(max = 253)
        private String hostname;

        @JsonPropertyDescription("The port to redirect to.")
        @Min(1)
        @Max(65535)
        private Integer port;

        @JsonPropertyDescription("301 or 302 (default).")
        @Default("302")
        @ValidationRule(value = "self == 301 || self == 302", message = "statusCode must be 301 or 302", reason = "FieldValueInvalid")
        private Integer statusCode;
    }
}
