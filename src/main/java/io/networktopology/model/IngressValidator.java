package io.networktopology.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.networktopology.api.v1alpha1.IngressBackendSpec;
import io.networktopology.api.v1alpha1.IngressPathSpec;
import io.networktopology.api.v1alpha1.IngressRuleSpec;
import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.IngressTLSSpec;
import io.networktopology.api.v1alpha1.NetworkTopologySpec;
import io.networktopology.api.v1alpha1.PathType;
import io.networktopology.api.v1alpha1.ServicePortSpec;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** The rules for {@code spec.ingresses}; part of {@link TopologyValidator}. */
final class IngressValidator {

    private static final Pattern HOST = Pattern.compile(io.networktopology.api.v1alpha1.IngressRuleSpec.HOST);
    private static final Pattern DNS_1123_SUBDOMAIN = Pattern.compile(ServiceSpec.DNS_1123_SUBDOMAIN);
    private static final Pattern IPV4 = Pattern.compile("^[0-9]+(\\.[0-9]+){3}$");
    private static final List<String> BAD_PATH_PARTS = List.of("//", "/./", "/../", "%2f", "%2F");

    private IngressValidator() {
    }

    static void validate(NetworkTopologySpec spec, List<SpecProblem> problems) {
        List<IngressSpec> ingresses = spec.getIngresses();
        if (ingresses == null) {
            return;
        }
        if (ingresses.size() > IngressSpec.MAX_INGRESSES) {
            problems.add(new SpecProblem("spec.ingresses", "at most " + IngressSpec.MAX_INGRESSES + " ingresses per topology"));
        }
        Map<String, ServiceSpec> services = new HashMap<>();
        if (spec.getServices() != null) {
            spec.getServices().stream().filter(Objects::nonNull).filter(s -> s.getName() != null)
                    .forEach(s -> services.putIfAbsent(s.getName(), s));
        }
        Map<String, Integer> names = new HashMap<>();
        Map<String, String> routes = new HashMap<>();
        for (int i = 0; i < ingresses.size(); i++) {
            IngressSpec ingress = ingresses.get(i);
            String path = "spec.ingresses[" + i + "]";
            if (ingress == null) {
                problems.add(new SpecProblem(path, "must not be null"));
                continue;
            }
            if (ingress.getName() == null || ingress.getName().isEmpty()) {
                problems.add(new SpecProblem(path + ".name", "required"));
            } else {
                if (ingress.getName().length() > 253 || !DNS_1123_SUBDOMAIN.matcher(ingress.getName()).matches()
                        || ingress.getName().endsWith(".")) {
                    problems.add(new SpecProblem(path + ".name", "\"" + ingress.getName() + "\" is not a valid ingress name (lowercase RFC 1123 subdomain)"));
                }
                Integer first = names.putIfAbsent(ingress.getName(), i);
                if (first != null) {
                    problems.add(new SpecProblem(path + ".name", "duplicate ingress name \"" + ingress.getName() + "\" (also spec.ingresses[" + first + "]); ingress names must be unique within a topology"));
                }
            }
            if (ingress.getClassName() != null && (ingress.getClassName().length() > 253
                    || !DNS_1123_SUBDOMAIN.matcher(ingress.getClassName()).matches())) {
                problems.add(new SpecProblem(path + ".className", "\"" + ingress.getClassName() + "\" is not a valid IngressClass name"));
            }
            if ((ingress.getRules() == null || ingress.getRules().isEmpty()) && ingress.getDefaultBackend() == null) {
                problems.add(new SpecProblem(path, "an ingress needs at least one rule or a defaultBackend"));
            }
            if (ingress.getDefaultBackend() != null) {
                validateBackend(ingress.getDefaultBackend(), path + ".defaultBackend", services, problems);
            }
            validateRules(ingress, path, services, routes, problems);
            validateTls(ingress, path, problems);
            TopologyValidator.validateMetadata(ingress.getLabels(), ingress.getAnnotations(), path, problems);
        }
    }

    private static void validateRules(IngressSpec ingress, String path, Map<String, ServiceSpec> services,
            Map<String, String> routes, List<SpecProblem> problems) {
        List<IngressRuleSpec> rules = ingress.getRules();
        if (rules == null) {
            return;
        }
        if (rules.size() > IngressSpec.MAX_RULES) {
            problems.add(new SpecProblem(path + ".rules", "at most " + IngressSpec.MAX_RULES + " rules per ingress"));
        }
        for (int r = 0; r < rules.size(); r++) {
            IngressRuleSpec rule = rules.get(r);
            String rp = path + ".rules[" + r + "]";
            if (rule == null) {
                problems.add(new SpecProblem(rp, "must not be null"));
                continue;
            }
            if (rule.getHost() != null) {
                validateHost(rule.getHost(), rp + ".host", problems);
            }
            if (rule.getPaths() == null || rule.getPaths().isEmpty()) {
                problems.add(new SpecProblem(rp + ".paths", "at least one path is required"));
                continue;
            }
            for (int p = 0; p < rule.getPaths().size(); p++) {
                IngressPathSpec ip = rule.getPaths().get(p);
                String pp = rp + ".paths[" + p + "]";
                if (ip == null) {
                    problems.add(new SpecProblem(pp, "must not be null"));
                    continue;
                }
                String value = ip.effectivePath();
                if (!value.startsWith("/")) {
                    problems.add(new SpecProblem(pp + ".path", "\"" + value + "\" must start with '/'"));
                } else if (ip.effectivePathType() != PathType.ImplementationSpecific
                        && (BAD_PATH_PARTS.stream().anyMatch(value::contains) || value.endsWith("/..") || value.endsWith("/."))) {
                    problems.add(new SpecProblem(pp + ".path", "\"" + value + "\": an Exact or Prefix path must not contain '//', '/./', '/../' or '%2f', nor end with '/.' or '/..'"));
                }
                validateBackend(ip.backend(), pp, services, problems);
                String key = (rule.getHost() == null ? "" : rule.getHost()) + value;
                String first = routes.putIfAbsent(key, pp);
                if (first != null) {
                    problems.add(new SpecProblem(pp + ".path", "duplicate route " + (rule.getHost() == null ? "*" : rule.getHost())
                            + value + " (also " + first + "); each host and path may be routed once per topology"));
                }
            }
        }
    }

    private static void validateHost(String host, String path, List<SpecProblem> problems) {
        if (IPV4.matcher(host).matches() || host.contains(":")) {
            problems.add(new SpecProblem(path, "\"" + host + "\" is an IP address; a host must be a DNS name"));
        } else if (host.length() > 253 || !HOST.matcher(host).matches()) {
            boolean wildcard = host.contains("*");
            boolean leftmostWildcard = host.startsWith("*.") && host.indexOf('*') == host.lastIndexOf('*');
            String why = wildcard && !leftmostWildcard
                    ? "a wildcard may only be the whole leftmost label, as in *.example.com"
                    : "must be a lowercase DNS name (RFC 1123), optionally starting with '*.'";
            problems.add(new SpecProblem(path, "\"" + host + "\" is not a valid host: " + why));
        }
    }

    private static void validateBackend(IngressBackendSpec backend, String path, Map<String, ServiceSpec> services,
            List<SpecProblem> problems) {
        if (backend.getService() == null) {
            problems.add(new SpecProblem(path + ".service", "required"));
            return;
        }
        ServiceSpec service = services.get(backend.getService());
        if (service == null) {
            problems.add(new SpecProblem(path + ".service", "\"" + backend.getService() + "\" is not a service declared in this topology"));
            return;
        }
        IntOrString port = backend.getPort();
        if (port == null) {
            problems.add(new SpecProblem(path + ".port", "required"));
            return;
        }
        if (service.effectiveType() == ServiceType.ExternalName) {
            return; // no ports to check; the path text says the controller must support ExternalName backends
        }
        List<ServicePortSpec> ports = service.getPorts() == null ? List.of() : service.getPorts();
        boolean found = port.getIntVal() != null
                ? ports.stream().anyMatch(p -> port.getIntVal().equals(p.getPort()))
                : ports.stream().anyMatch(p -> port.getStrVal() != null && port.getStrVal().equals(p.getName()));
        if (!found) {
            problems.add(new SpecProblem(path + ".port", "service \"" + service.getName() + "\" has no port "
                    + (port.getIntVal() != null ? String.valueOf(port.getIntVal()) : "named \"" + port.getStrVal() + "\"")));
        }
    }

    private static void validateTls(IngressSpec ingress, String path, List<SpecProblem> problems) {
        List<IngressTLSSpec> tls = ingress.getTls();
        if (tls == null) {
            return;
        }
        for (int t = 0; t < tls.size(); t++) {
            IngressTLSSpec entry = tls.get(t);
            String tp = path + ".tls[" + t + "]";
            if (entry == null) {
                problems.add(new SpecProblem(tp, "must not be null"));
                continue;
            }
            List<String> hosts = entry.getHosts() == null ? List.of() : entry.getHosts();
            for (int h = 0; h < hosts.size(); h++) {
                validateHost(hosts.get(h), tp + ".hosts[" + h + "]", problems);
            }
            if (entry.getSecretName() != null && (entry.getSecretName().length() > 253
                    || !DNS_1123_SUBDOMAIN.matcher(entry.getSecretName()).matches())) {
                problems.add(new SpecProblem(tp + ".secretName", "\"" + entry.getSecretName() + "\" is not a valid Secret name"));
            }
        }
    }
}
