package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;
import lombok.Getter;
import lombok.Setter;

/** One path of an ingress rule and the backend it leads to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.pathType) && self.pathType == 'ImplementationSpecific') || !(self.path.contains('//') || self.path.contains('/./') || self.path.contains('/../') || self.path.contains('%2f') || self.path.contains('%2F') || self.path.endsWith('/..') || self.path.endsWith('/.'))",
        message = "an Exact or Prefix path must not contain '//', '/./', '/../' or '%2f', nor end with '/.' or '/..'",
        fieldPath = ".path", reason = "FieldValueInvalid")
@Getter
@Setter
public class IngressPathSpec {

    @JsonPropertyDescription("The URL path; must start with '/'.")
    @Default("/")
    @Size(min = 1, max = 256)
    @ValidationRule(value = "self.startsWith('/')", message = "path must start with '/'")
    private String path;

    @JsonPropertyDescription("Exact, Prefix (default) or ImplementationSpecific.")
    @Default("Prefix")
    private PathType pathType;

    @JsonPropertyDescription("Name of a service declared in this topology.")
    @Required
    @Size(min = 1, max = 63)
    private String service;

    @JsonPropertyDescription("The service's port: its number, or its name.")
    @Required
    // No CEL rule here: the API server's cost estimate refuses any rule on an int-or-string (its string has no
    // length bound), so the range and name syntax are checked by the reconciler.
    private IntOrString port;

    public IngressPathSpec() {
    }

    public IngressPathSpec(String path, PathType pathType, String service, IntOrString port) {
        this.path = path;
        this.pathType = pathType;
        this.service = service;
        this.port = port;
    }

    public String effectivePath() {
        return path == null ? "/" : path;
    }

    public PathType effectivePathType() {
        return pathType == null ? PathType.Prefix : pathType;
    }

    public IngressBackendSpec backend() {
        return new IngressBackendSpec(service, port);
    }
}
