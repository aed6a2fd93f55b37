package io.networktopology.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides whether an existing Service still says what the topology wants, and builds the update that makes it so.
 *
 * <p>Only fields the operator sets are compared: whatever the API server allocates or defaults (cluster IPs, node
 * ports the user did not fix, IP families) and whatever other writers add to metadata is kept. Labels and
 * annotations that came from the spec are remembered in an annotation, so that removing one from the spec removes
 * it from the Service without touching anyone else's.
 */
public final class ServiceDrift {


    private ServiceDrift() {
    }

    /** Adds the bookkeeping annotation that lists the spec's own label and annotation keys. */
    public static Service withOwnedKeys(Service desired) {
        Service copy = new ServiceBuilder(desired).build();
        OwnedMetadata.recordOwnedKeys(copy.getMetadata());
        return copy;
    }

    /** True when {@code actual} carries everything {@code desired} (as built by {@link ServiceModel}) asks for. */
    public static boolean matches(Service desired, Service actual) {
        return OwnedMetadata.matches(desired.getMetadata(), actual.getMetadata())
                && specMatches(desired.getSpec(), actual.getSpec());
    }

    static boolean specMatches(ServiceSpec want, ServiceSpec have) {
        if (have == null) {
            return false;
        }
        return Objects.equals(want.getType(), orDefault(have.getType(), "ClusterIP"))
                && isHeadless(want) == isHeadless(have)
                && Objects.equals(orEmpty(want.getSelector()), orEmpty(have.getSelector()))
                && portsMatch(want.getPorts(), have.getPorts())
                && Objects.equals(want.getExternalName(), have.getExternalName())
                && (want.getSessionAffinity() == null || want.getSessionAffinity().equals(orDefault(have.getSessionAffinity(), "None")))
                && Objects.equals(want.getExternalTrafficPolicy(), have.getExternalTrafficPolicy())
                && (want.getInternalTrafficPolicy() == null
                        || want.getInternalTrafficPolicy().equals(orDefault(have.getInternalTrafficPolicy(), "Cluster")))
                && (want.getIpFamilyPolicy() == null || want.getIpFamilyPolicy().equals(have.getIpFamilyPolicy()))
                // Fabric8 models start lists empty: an empty list means "not set", as in the API.
                && (orEmpty(want.getIpFamilies()).isEmpty() || want.getIpFamilies().equals(have.getIpFamilies()))
                && Objects.equals(want.getLoadBalancerClass(), have.getLoadBalancerClass())
                && Objects.equals(orEmpty(want.getLoadBalancerSourceRanges()), orEmpty(have.getLoadBalancerSourceRanges()))
                && Boolean.TRUE.equals(want.getPublishNotReadyAddresses()) == Boolean.TRUE.equals(have.getPublishNotReadyAddresses())
                // Never set by the operator; a hand-added external IP can redirect cluster traffic (CVE-2020-8554).
                && orEmpty(have.getExternalIPs()).isEmpty();
    }

    private static boolean portsMatch(List<ServicePort> want, List<ServicePort> have) {
        List<ServicePort> w = orEmpty(want);
        List<ServicePort> h = orEmpty(have);
        if (w.size() != h.size()) {
            return false;
        }
        for (int i = 0; i < w.size(); i++) {
            ServicePort a = w.get(i);
            ServicePort b = h.get(i);
            if (!Objects.equals(a.getName(), b.getName())
                    || !Objects.equals(a.getPort(), b.getPort())
                    || !sameTargetPort(a.getTargetPort(), b.getTargetPort(), a.getPort())
                    || !Objects.equals(orDefault(a.getProtocol(), "TCP"), orDefault(b.getProtocol(), "TCP"))
                    || (a.getNodePort() != null && !a.getNodePort().equals(b.getNodePort()))
                    || !Objects.equals(a.getAppProtocol(), b.getAppProtocol())) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameTargetPort(IntOrString want, IntOrString have, Integer port) {
        return Objects.equals(targetPortText(want, port), targetPortText(have, port));
    }

    private static String targetPortText(IntOrString target, Integer port) {
        if (target == null || (target.getIntVal() == null && target.getStrVal() == null)) {
            return String.valueOf(port);
        }
        return target.getIntVal() != null ? String.valueOf(target.getIntVal()) : target.getStrVal();
    }

    /**
     * Whether the change cannot be made by an update, because Kubernetes forbids changing the field once set:
     * a headless service cannot get a cluster IP (nor the reverse), the primary IP family is fixed, and so is a
     * load balancer class.
     */
    public static boolean needsRecreate(Service desired, Service actual) {
        ServiceSpec want = desired.getSpec();
        ServiceSpec have = actual.getSpec();
        if (have == null) {
            return false;
        }
        boolean wantExternal = "ExternalName".equals(want.getType());
        boolean haveExternal = "ExternalName".equals(have.getType());
        if (!wantExternal && !haveExternal && isHeadless(want) != isHeadless(have)) {
            return true;
        }
        if (want.getIpFamilies() != null && !want.getIpFamilies().isEmpty() && have.getIpFamilies() != null
                && !have.getIpFamilies().isEmpty() && !haveExternal
                && !want.getIpFamilies().get(0).equals(have.getIpFamilies().get(0))) {
            return true;
        }
        return "LoadBalancer".equals(want.getType()) && "LoadBalancer".equals(have.getType())
                && have.getLoadBalancerClass() != null && !have.getLoadBalancerClass().equals(want.getLoadBalancerClass());
    }

    /**
     * The Service to write: the desired one, carrying over what the API server allocated (cluster IPs, node ports
     * not fixed in the spec, IP families) and the metadata other writers added, with the resourceVersion of
     * {@code actual} so a concurrent change makes the write fail instead of being lost.
     */
    public static Service updated(Service desired, Service actual) {
        Service want = new ServiceBuilder(desired).build();
        ServiceSpec have = actual.getSpec() == null ? new ServiceSpec() : actual.getSpec();
        ObjectMeta meta = new ServiceBuilder(actual).build().getMetadata();
        OwnedMetadata.merge(meta, desired.getMetadata(), actual);

        ServiceSpec spec = want.getSpec();
        boolean external = "ExternalName".equals(spec.getType());
        boolean haveExternal = "ExternalName".equals(have.getType());
        if (!external && !isHeadless(spec) && have.getClusterIP() != null && !"None".equals(have.getClusterIP()) && !haveExternal) {
            spec.setClusterIP(have.getClusterIP());
            spec.setClusterIPs(have.getClusterIPs());
        }
        if (!external && !haveExternal) {
            if (spec.getIpFamilyPolicy() == null) {
                spec.setIpFamilyPolicy(have.getIpFamilyPolicy());
            }
            if (spec.getIpFamilies() == null || spec.getIpFamilies().isEmpty()) {
                spec.setIpFamilies(have.getIpFamilies());
            }
        }
        boolean nodePorts = "NodePort".equals(spec.getType()) || "LoadBalancer".equals(spec.getType());
        boolean hadNodePorts = "NodePort".equals(have.getType()) || "LoadBalancer".equals(have.getType());
        if (nodePorts && hadNodePorts) {
            for (ServicePort port : orEmpty(spec.getPorts())) {
                if (port.getNodePort() == null) {
                    orEmpty(have.getPorts()).stream()
                            .filter(p -> Objects.equals(p.getPort(), port.getPort())
                                    && Objects.equals(orDefault(p.getProtocol(), "TCP"), port.getProtocol()))
                            .findFirst()
                            .ifPresent(p -> port.setNodePort(p.getNodePort()));
                }
            }
            if ("Local".equals(spec.getExternalTrafficPolicy()) && "LoadBalancer".equals(spec.getType())) {
                spec.setHealthCheckNodePort(have.getHealthCheckNodePort());
            }
        }
        if ("LoadBalancer".equals(spec.getType()) && "LoadBalancer".equals(have.getType())) {
            spec.setAllocateLoadBalancerNodePorts(have.getAllocateLoadBalancerNodePorts());
        }
        if ("ClientIP".equals(spec.getSessionAffinity())) {
            spec.setSessionAffinityConfig(have.getSessionAffinityConfig());
        }
        return new ServiceBuilder().withMetadata(meta).withSpec(spec).withStatus(actual.getStatus()).build();
    }

    static boolean isHeadless(ServiceSpec spec) {
        return "None".equals(spec.getClusterIP());
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? new ArrayList<>() : list;
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
