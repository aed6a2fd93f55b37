package io.networktopology.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.networktopology.api.v1alpha1.IPFamily;
import io.networktopology.api.v1alpha1.IPFamilyPolicy;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.NetworkTopologySpec;
import io.networktopology.api.v1alpha1.ServicePortSpec;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a topology against every rule its CRD schema states, and the ones a schema cannot state (label syntax,
 * CIDRs). The operator runs it on every reconcile because the CRD may be bypassed or older than the operator;
 * {@code render} runs it offline. Each problem names its field path.
 */
public final class TopologyValidator {

    private static final Pattern DNS_1035_LABEL = Pattern.compile(ServiceSpec.DNS_1035_LABEL);
    private static final Pattern DNS_1123_LABEL = Pattern.compile(ServicePortSpec.DNS_LABEL);
    private static final Pattern DNS_1123_SUBDOMAIN = Pattern.compile(ServiceSpec.DNS_1123_SUBDOMAIN);
    private static final Pattern QUALIFIED_NAME_PART = Pattern.compile("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$");
    private static final Pattern IANA_SVC_NAME = Pattern.compile("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$");

    private TopologyValidator() {
    }

    /** Each probe run starts pods; more often than this would be load, not information. */
    public static final java.time.Duration MIN_PROBE_INTERVAL = java.time.Duration.ofSeconds(30);

    public static List<SpecProblem> validate(NetworkTopology topology) {
        List<SpecProblem> problems = new ArrayList<>();
        String name = topology.getMetadata() == null ? null : topology.getMetadata().getName();
        if (name != null && name.length() > 63) {
            // The CRD refuses it too (a CEL rule on the root): the name is a label value on every child.
            problems.add(new SpecProblem("metadata.name", "must be at most 63 characters: it is the value of the networktopology.io/topology"
                    + " label on every Service and Ingress the topology creates (got " + name.length() + ")"));
        }
        NetworkTopologySpec spec = topology.getSpec();
        if (spec == null) {
            return problems;
        }
        validateServices(spec, problems);
        IngressValidator.validate(spec, problems);
        RouteValidator.validate(spec, problems);
        DnsValidator.validate(spec, problems);
        if (spec.getProbes() != null && spec.getProbes().getInterval() != null
                && spec.getProbes().intervalDuration().compareTo(MIN_PROBE_INTERVAL) < 0) {
            problems.add(new SpecProblem("spec.probes.interval", "must be at least 30s (each run starts pods), got "
                    + spec.getProbes().getInterval()));
        }
        return problems;
    }

    private static void validateServices(NetworkTopologySpec spec, List<SpecProblem> problems) {
        List<ServiceSpec> services = spec.getServices();
        if (services == null) {
            return;
        }
        if (services.size() > ServiceSpec.MAX_SERVICES) {
            problems.add(new SpecProblem("spec.services", "at most " + ServiceSpec.MAX_SERVICES + " services per topology, got " + services.size()));
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < services.size(); i++) {
            ServiceSpec service = services.get(i);
            String path = "spec.services[" + i + "]";
            if (service == null) {
                problems.add(new SpecProblem(path, "must not be null"));
                continue;
            }
            validateService(service, path, problems);
            if (service.getName() != null) {
                Integer first = seen.putIfAbsent(service.getName(), i);
                if (first != null) {
                    problems.add(new SpecProblem(path + ".name", "duplicate service name \"" + service.getName()
                            + "\" (also spec.services[" + first + "]); service names must be unique within a topology"));
                }
            }
        }
    }

    /** Labels and annotations a child gets from the spec: valid keys and values, none of the operator's own. */
    static void validateMetadata(Map<String, String> labels, Map<String, String> annotations, String path,
            List<SpecProblem> problems) {
        validateLabels(labels, path + ".labels", true, problems);
        validateAnnotations(annotations, path + ".annotations", problems);
    }

    private static void validateService(ServiceSpec service, String path, List<SpecProblem> problems) {
        ServiceType type = service.effectiveType();
        String name = service.getName();
        if (name == null || name.isEmpty()) {
            problems.add(new SpecProblem(path + ".name", "required"));
        } else if (name.length() > 63 || !DNS_1035_LABEL.matcher(name).matches()) {
            problems.add(new SpecProblem(path + ".name", "\"" + name + "\" is not a valid service name: at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit (DNS-1035 label)"));
        }

        boolean external = type == ServiceType.ExternalName;
        if (external) {
            if (service.getExternalName() == null) {
                problems.add(new SpecProblem(path + ".externalName", "externalName is required when type is ExternalName and not allowed for other types"));
            }
            if (service.getSelector() != null || (service.getPorts() != null && !service.getPorts().isEmpty())) {
                problems.add(new SpecProblem(path, "an ExternalName service takes no selector and no ports"));
            }
            if (service.getIpFamilyPolicy() != null || service.getIpFamilies() != null || service.getInternalTrafficPolicy() != null
                    || service.getSessionAffinity() != null || service.getPublishNotReadyAddresses() != null) {
                problems.add(new SpecProblem(path, "ipFamilyPolicy, ipFamilies, internalTrafficPolicy, sessionAffinity and publishNotReadyAddresses do not apply to ExternalName services"));
            }
        } else if (service.getExternalName() != null) {
            problems.add(new SpecProblem(path + ".externalName", "externalName is required when type is ExternalName and not allowed for other types"));
        }
        if (service.getExternalName() != null
                && (service.getExternalName().length() > 253 || !DNS_1123_SUBDOMAIN.matcher(service.getExternalName()).matches())) {
            problems.add(new SpecProblem(path + ".externalName", "\"" + service.getExternalName() + "\" is not a valid DNS name (lowercase RFC 1123 subdomain, at most 253 characters)"));
        }
        if ((type == ServiceType.ClusterIP || type.exposesNodePorts()) && (service.getPorts() == null || service.getPorts().isEmpty())) {
            problems.add(new SpecProblem(path + ".ports", "ports are required for ClusterIP, NodePort and LoadBalancer services"));
        }
        if (service.getExternalTrafficPolicy() != null && !type.exposesNodePorts()) {
            problems.add(new SpecProblem(path + ".externalTrafficPolicy", "externalTrafficPolicy is allowed only for NodePort and LoadBalancer services"));
        }
        if ((service.getLoadBalancerClass() != null || service.getLoadBalancerSourceRanges() != null) && type != ServiceType.LoadBalancer) {
            problems.add(new SpecProblem(path, "loadBalancerClass and loadBalancerSourceRanges are allowed only for LoadBalancer services"));
        }
        if (service.getLoadBalancerClass() != null) {
            validateQualifiedName(service.getLoadBalancerClass(), path + ".loadBalancerClass", problems);
        }
        List<String> ranges = service.getLoadBalancerSourceRanges();
        if (ranges != null) {
            for (int i = 0; i < ranges.size(); i++) {
                if (!isCidr(ranges.get(i))) {
                    problems.add(new SpecProblem(path + ".loadBalancerSourceRanges[" + i + "]", "\"" + ranges.get(i) + "\" is not a CIDR such as 10.0.0.0/8 or fd00::/8"));
                }
            }
        }
        validateIpFamilies(service, path, problems);
        validateLabels(service.getSelector(), path + ".selector", false, problems);
        validateMetadata(service.getLabels(), service.getAnnotations(), path, problems);
        validatePorts(service, type, path, problems);
    }

    private static void validateIpFamilies(ServiceSpec service, String path, List<SpecProblem> problems) {
        List<IPFamily> families = service.getIpFamilies();
        if (families == null) {
            return;
        }
        if (families.size() > 2) {
            problems.add(new SpecProblem(path + ".ipFamilies", "at most 2 families (IPv4 and IPv6)"));
        }
        if (families.size() == 2 && families.get(0) == families.get(1)) {
            problems.add(new SpecProblem(path + ".ipFamilies", "ipFamilies must not repeat a family"));
        }
        if (families.size() >= 2 && (service.getIpFamilyPolicy() == null || service.getIpFamilyPolicy() == IPFamilyPolicy.SingleStack)) {
            problems.add(new SpecProblem(path + ".ipFamilyPolicy", "two ipFamilies need ipFamilyPolicy PreferDualStack or RequireDualStack"));
        }
    }

    private static void validatePorts(ServiceSpec service, ServiceType type, String path, List<SpecProblem> problems) {
        List<ServicePortSpec> ports = service.getPorts();
        if (ports == null) {
            return;
        }
        if (ports.size() > ServiceSpec.MAX_PORTS) {
            problems.add(new SpecProblem(path + ".ports", "at most " + ServiceSpec.MAX_PORTS + " ports per service"));
        }
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> portProtocols = new HashMap<>();
        Map<String, Integer> nodePortProtocols = new HashMap<>();
        for (int k = 0; k < ports.size(); k++) {
            ServicePortSpec port = ports.get(k);
            String p = path + ".ports[" + k + "]";
            if (port == null) {
                problems.add(new SpecProblem(p, "must not be null"));
                continue;
            }
            if (port.getName() == null) {
                if (ports.size() > 1) {
                    problems.add(new SpecProblem(p + ".name", "every port needs a name when a service has more than one port"));
                }
            } else {
                if (port.getName().length() > 63 || !DNS_1123_LABEL.matcher(port.getName()).matches()) {
                    problems.add(new SpecProblem(p + ".name", "\"" + port.getName() + "\" is not a valid port name: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"));
                }
                Integer first = names.putIfAbsent(port.getName(), k);
                if (first != null) {
                    problems.add(new SpecProblem(p + ".name", "duplicate port name \"" + port.getName() + "\" (also " + path + ".ports[" + first + "]); port names must be unique within a service"));
                }
            }
            if (port.getPort() == null) {
                problems.add(new SpecProblem(p + ".port", "required"));
            } else if (port.getPort() < 1 || port.getPort() > 65535) {
                problems.add(new SpecProblem(p + ".port", "must be between 1 and 65535, got " + port.getPort()));
            } else {
                String key = port.getPort() + "/" + ServiceModel.effectiveProtocol(port);
                Integer first = portProtocols.putIfAbsent(key, k);
                if (first != null) {
                    problems.add(new SpecProblem(p + ".port", "duplicate port " + key + " (also " + path + ".ports[" + first + "]); port and protocol must be unique within a service"));
                }
            }
            validateTargetPort(port.getTargetPort(), p + ".targetPort", problems);
            if (port.getNodePort() != null) {
                if (!type.exposesNodePorts()) {
                    problems.add(new SpecProblem(p + ".nodePort", "nodePort is allowed only for NodePort and LoadBalancer services"));
                } else if (port.getNodePort() < 30000 || port.getNodePort() > 32767) {
                    problems.add(new SpecProblem(p + ".nodePort", "must be between 30000 and 32767, got " + port.getNodePort()));
                } else {
                    String key = port.getNodePort() + "/" + ServiceModel.effectiveProtocol(port);
                    Integer first = nodePortProtocols.putIfAbsent(key, k);
                    if (first != null) {
                        problems.add(new SpecProblem(p + ".nodePort", "duplicate nodePort " + key + " (also " + path + ".ports[" + first + "]); nodePort and protocol must be unique within a service"));
                    }
                }
            }
            if (port.getAppProtocol() != null && port.getAppProtocol().length() > 256) {
                problems.add(new SpecProblem(p + ".appProtocol", "at most 256 characters"));
            }
        }
    }

    private static void validateTargetPort(IntOrString target, String path, List<SpecProblem> problems) {
        if (target == null) {
            return;
        }
        if (target.getIntVal() != null) {
            if (target.getIntVal() < 1 || target.getIntVal() > 65535) {
                problems.add(new SpecProblem(path, "must be between 1 and 65535, got " + target.getIntVal()));
            }
            return;
        }
        String name = target.getStrVal();
        if (name == null || name.isEmpty() || name.length() > 15 || !IANA_SVC_NAME.matcher(name).matches()
                || name.contains("--") || !name.matches(".*[a-z].*")) {
            problems.add(new SpecProblem(path, "\"" + name + "\" is neither a port number nor a container port name (1 to 15 lowercase letters, digits and '-', with at least one letter)"));
        }
    }

    private static void validateLabels(Map<String, String> labels, String path, boolean forbidReserved, List<SpecProblem> problems) {
        if (labels == null) {
            return;
        }
        labels.forEach((key, value) -> {
            validateQualifiedName(key, path + "[" + key + "]", problems);
            if (forbidReserved && ChildLabels.isReserved(key)) {
                problems.add(new SpecProblem(path + "[" + key + "]", "is set by the operator and cannot be overridden"));
            }
            if (value == null || value.length() > 63 || (!value.isEmpty() && !QUALIFIED_NAME_PART.matcher(value).matches())) {
                problems.add(new SpecProblem(path + "[" + key + "]", "\"" + value + "\" is not a valid label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"));
            }
        });
    }

    private static void validateAnnotations(Map<String, String> annotations, String path, List<SpecProblem> problems) {
        if (annotations == null) {
            return;
        }
        annotations.keySet().forEach(key -> {
            validateQualifiedName(key, path + "[" + key + "]", problems);
            if (Applied.FINGERPRINT_ANNOTATION.equals(key)) {
                problems.add(new SpecProblem(path + "[" + key + "]", "is set by the operator and cannot be overridden"));
            }
        });
    }

    private static void validateQualifiedName(String key, String path, List<SpecProblem> problems) {
        String message = "\"" + key + "\" is not a valid key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
        if (key == null || key.isEmpty()) {
            problems.add(new SpecProblem(path, message));
            return;
        }
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > 253 || !DNS_1123_SUBDOMAIN.matcher(prefix).matches() || prefix.endsWith(".")) {
                problems.add(new SpecProblem(path, message));
                return;
            }
        }
        if (name.length() > 63 || !QUALIFIED_NAME_PART.matcher(name).matches()) {
            problems.add(new SpecProblem(path, message));
        }
    }

    static boolean isCidr(String text) {
        if (text == null) {
            return false;
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String ip = text.substring(0, slash);
        String bits = text.substring(slash + 1);
        if (!bits.matches("\\d{1,3}")) {
            return false;
        }
        return DnsNames.ipLiteral(ip).map(address -> {
            int max = address.getAddress().length * 8;
            return ip.contains(":") == (max == 128) && Integer.parseInt(bits) <= max;
        }).orElse(false);
    }
}
