package io.networktopology.status;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failed reconcile said in one plain sentence, for the Ready condition and a Warning Event: what the API server
 * refused and why ({@code Service admin: nodePort 30080 is already allocated in this cluster}), never an exception
 * dump or a Java type name.
 *
 * @param reason {@link Reasons#SERVICE_REJECTED}, {@link Reasons#INGRESS_REJECTED} or {@link Reasons#RECONCILE_FAILED}
 */
public record ApiRefusal(String reason, String message) {

    /** A cause's message as the API server words a field error: {@code Invalid value: 30080: provided port is ...}. */
    private static final Pattern INVALID_VALUE = Pattern.compile("^Invalid value: \"?([^\":]*)\"?: (.*)$", Pattern.DOTALL);
    private static final int MAX_MESSAGE = 400;

    public static ApiRefusal of(Exception error) {
        KubernetesClientException api = apiError(error);
        if (api == null) {
            return new ApiRefusal(Reasons.RECONCILE_FAILED, cut("reconcile failed, retrying: " + firstLine(describe(error))));
        }
        Status status = api.getStatus();
        String kind = status != null && status.getDetails() != null ? status.getDetails().getKind() : null;
        String name = status != null && status.getDetails() != null ? status.getDetails().getName() : null;
        String what = kind == null ? "the API server" : capitalised(kind) + (name == null ? "" : " " + name);
        if (api.getCode() == 422 || api.getCode() == 409 && status != null && "AlreadyExists".equals(status.getReason())) {
            String reason = "services".equals(kind) || "Service".equals(kind) ? Reasons.SERVICE_REJECTED
                    : "ingresses".equals(kind) || "Ingress".equals(kind) ? Reasons.INGRESS_REJECTED : Reasons.RECONCILE_FAILED;
            return new ApiRefusal(reason, cut(what + " refused by the API server: " + causes(status, api) + "; retrying"));
        }
        if (api.getCode() == 403) {
            return new ApiRefusal(Reasons.RECONCILE_FAILED, cut("forbidden to the operator (check its RBAC): " + firstLine(message(status, api))));
        }
        String code = api.getCode() > 0 ? "HTTP " + api.getCode() + ": " : "";
        return new ApiRefusal(Reasons.RECONCILE_FAILED, cut("reconcile failed, retrying: " + code + firstLine(message(status, api))));
    }

    /** Why the API server refused one object, in words ({@code nodePort 30080 is already allocated in this cluster}). */
    public static String why(Exception error) {
        KubernetesClientException api = apiError(error);
        return api == null ? firstLine(describe(error)) : cut(causes(api.getStatus(), api));
    }

    /**
     * Whether the API server refused because the namespace is being deleted ("unable to create new content in namespace
     * shop because it is being terminated"): the topology goes with it, so that is no failure to report.
     */
    public static boolean namespaceTerminating(Exception error) {
        KubernetesClientException api = apiError(error);
        Status status = api == null ? null : api.getStatus();
        if (status == null) {
            return false;
        }
        boolean cause = status.getDetails() != null && status.getDetails().getCauses() != null
                && status.getDetails().getCauses().stream().anyMatch(c -> "NamespaceTerminating".equals(c.getReason()));
        return cause || status.getMessage() != null && status.getMessage().contains("because it is being terminated");
    }

    private static String causes(Status status, KubernetesClientException api) {
        List<String> said = new ArrayList<>();
        if (status != null && status.getDetails() != null && status.getDetails().getCauses() != null) {
            for (StatusCause cause : status.getDetails().getCauses()) {
                said.add(cause(cause));
            }
        }
        return said.isEmpty() ? firstLine(message(status, api)) : String.join("; ", said);
    }

    /** One field error, in words: a taken nodePort says so plainly, anything else as {@code field: message}. */
    static String cause(StatusCause cause) {
        String field = cause.getField();
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        Matcher invalid = INVALID_VALUE.matcher(message);
        if (field != null && field.endsWith(".nodePort") && invalid.matches() && invalid.group(2).contains("already allocated")) {
            return "nodePort " + invalid.group(1) + " is already allocated in this cluster";
        }
        if (field != null && field.endsWith(".clusterIP") && invalid.matches() && invalid.group(2).contains("already allocated")) {
            return "clusterIP " + invalid.group(1) + " is already allocated in this cluster";
        }
        return field == null || field.isEmpty() ? message : field + ": " + message;
    }

    private static KubernetesClientException apiError(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KubernetesClientException k && (k.getCode() > 0 || k.getStatus() != null)) {
                return k;
            }
        }
        return null;
    }

    private static String message(Status status, KubernetesClientException api) {
        if (status != null && status.getMessage() != null && !status.getMessage().isBlank()) {
            return status.getMessage();
        }
        return describe(api);
    }

    /** The innermost message that says something, without Fabric8's "Failure executing: POST at: ..." preamble. */
    private static String describe(Throwable error) {
        String message = null;
        Throwable innermost = error;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            innermost = t;
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        // No message anywhere (a bug such as a NullPointerException): its type is all there is to say.
        return message == null ? innermost.getClass().getSimpleName() : message.replaceFirst("^Failure executing: \\S+ at: \\S+\\. Message: ", "");
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return cut(newline < 0 ? text : text.substring(0, newline));
    }

    private static String cut(String text) {
        return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE - 1) + "…";
    }

    private static String capitalised(String kind) {
        String singular = switch (kind) {
            case "services" -> "Service";
            case "ingresses" -> "Ingress";
            default -> kind;
        };
        return Character.toUpperCase(singular.charAt(0)) + singular.substring(1);
    }
}
