package io.networktopology.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.ServiceSpecBuilder;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.PortProtocol;
import io.networktopology.api.v1alpha1.ServicePortSpec;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.api.v1alpha1.SessionAffinity;
import io.networktopology.api.v1alpha1.TrafficPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Turns the declared services of a topology into the Services that should exist. Pure: no client, no
 * ownerReference (the topology's uid is only known in a cluster), so the offline renderer prints exactly this.
 *
 * <p>Every field the API server would default is set explicitly here, so that comparing desired with actual never
 * sees a difference the server made up, and so that removing a setting from the spec puts the default back.
 */
public final class ServiceModel {

    private ServiceModel() {
    }

    public static List<Service> desiredServices(NetworkTopology topology) {
        List<Service> services = new ArrayList<>();
        if (topology.getSpec() == null || topology.getSpec().getServices() == null) {
            return services;
        }
        for (ServiceSpec spec : topology.getSpec().getServices()) {
            services.add(desiredService(spec, namespaceOf(topology), topology.getMetadata().getName()));
        }
        return services;
    }

    public static String namespaceOf(NetworkTopology topology) {
        String namespace = topology.getMetadata().getNamespace();
        return namespace == null || namespace.isBlank() ? "default" : namespace;
    }

    public static Service desiredService(ServiceSpec spec, String namespace, String topologyName) {
        ServiceType type = spec.effectiveType();
        ServiceSpecBuilder service = new ServiceSpecBuilder()
                .withType(type.kubernetesType())
                .withSessionAffinity(type == ServiceType.ExternalName ? null : orDefault(spec.getSessionAffinity(), SessionAffinity.None).name());
        if (type == ServiceType.ExternalName) {
            service.withExternalName(spec.getExternalName());
        } else {
            if (type == ServiceType.Headless) {
                service.withClusterIP("None");
            }
            if (spec.getSelector() != null && !spec.getSelector().isEmpty()) {
                service.withSelector(new TreeMap<>(spec.getSelector()));
            }
            service.withPorts(ports(spec));
            service.withInternalTrafficPolicy(orDefault(spec.getInternalTrafficPolicy(), TrafficPolicy.Cluster).name());
            service.withPublishNotReadyAddresses(Boolean.TRUE.equals(spec.getPublishNotReadyAddresses()) ? Boolean.TRUE : null);
            if (spec.getIpFamilyPolicy() != null) {
                service.withIpFamilyPolicy(spec.getIpFamilyPolicy().name());
            }
            if (spec.getIpFamilies() != null && !spec.getIpFamilies().isEmpty()) {
                service.withIpFamilies(spec.getIpFamilies().stream().map(Enum::name).toList());
            }
        }
        if (type.exposesNodePorts()) {
            service.withExternalTrafficPolicy(orDefault(spec.getExternalTrafficPolicy(), TrafficPolicy.Cluster).name());
        }
        if (type == ServiceType.LoadBalancer) {
            service.withLoadBalancerClass(spec.getLoadBalancerClass());
            if (spec.getLoadBalancerSourceRanges() != null && !spec.getLoadBalancerSourceRanges().isEmpty()) {
                service.withLoadBalancerSourceRanges(new ArrayList<>(spec.getLoadBalancerSourceRanges()));
            }
        }
        return new ServiceBuilder()
                .withMetadata(ChildLabels.metadata(spec.getName(), namespace, topologyName, spec.getLabels(), spec.getAnnotations()))
                .withSpec(service.build())
                .build();
    }

    private static List<ServicePort> ports(ServiceSpec spec) {
        List<ServicePort> ports = new ArrayList<>();
        if (spec.getPorts() == null) {
            return ports;
        }
        boolean nodePorts = spec.effectiveType().exposesNodePorts();
        for (ServicePortSpec port : spec.getPorts()) {
            ports.add(new ServicePortBuilder()
                    .withName(port.getName())
                    .withPort(port.getPort())
                    // Kubernetes defaults targetPort to port; say so explicitly so the two never differ.
                    .withTargetPort(port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort()))
                    .withProtocol(effectiveProtocol(port).name())
                    .withNodePort(nodePorts ? port.getNodePort() : null)
                    .withAppProtocol(port.getAppProtocol())
                    .build());
        }
        return ports;
    }

    public static PortProtocol effectiveProtocol(ServicePortSpec port) {
        return port.getProtocol() == null ? PortProtocol.TCP : port.getProtocol();
    }

    private static <T> T orDefault(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
