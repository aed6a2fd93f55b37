package io.networktopology.embedded;

import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder;
import io.networktopology.model.EntryPoints;
import io.fabric8.kubernetes.api.model.LoadBalancerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditionsBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.networktopology.dependent.EndpointSliceObserver;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plays, against the embedded API, the parts of a cluster the mock server does not: the API server allocating
 * cluster IPs and node ports, a cloud load balancer controller publishing an address, and the EndpointSlice
 * controller publishing pods, an ingress controller publishing an address, and kubelets registering nodes. Only for
 * the demo and tests; addresses come from documentation ranges (192.0.2.0/24, 203.0.113.0/24).
 */
public final class ApiServerStandIn {

    private final KubernetesClient client;
    private final String namespace;
    private int nextIp = 10;
    private int nextNodePort = 30000;
    private int nextLoadBalancer = 7;
    private final Set<Integer> usedNodePorts = new HashSet<>();

    public ApiServerStandIn(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** Two nodes with documentation-range addresses, as a kubelet would register them; idempotent. */
    public int registerNodes() {
        int changed = 0;
        for (int i = 1; i <= 2; i++) {
            String name = "node-" + i;
            if (client.nodes().withName(name).get() == null) {
                client.resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata()
                        .withNewStatus().addNewAddress().withType("InternalIP").withAddress("192.0.2.1" + i).endAddress()
                        .addNewAddress().withType("Hostname").withAddress(name).endAddress().endStatus().build()).create();
                changed++;
            }
        }
        return changed;
    }

    /** What an ingress controller does: publish an address for every Ingress of the namespace that has none. */
    public int publishIngressAddresses() {
        int changed = 0;
        for (Ingress ingress : client.network().v1().ingresses().inNamespace(namespace).list().getItems()) {
            if (EntryPoints.ingressAddresses(ingress).isEmpty()) {
                String ip = "203.0.113." + nextLoadBalancer++;
                client.network().v1().ingresses().inNamespace(namespace).withName(ingress.getMetadata().getName()).edit(i -> {
                    i.setStatus(new IngressStatusBuilder().withNewLoadBalancer()
                            .addNewIngress().withIp(ip).endIngress().endLoadBalancer().build());
                    return i;
                });
                changed++;
            }
        }
        return changed;
    }

    /** One pass over the namespace's Services; returns how many objects it changed. */
    public int pass(boolean loadBalancers, int podsPerService) {
        int changed = loadBalancers ? publishIngressAddresses() : 0;
        for (Service service : client.services().inNamespace(namespace).list().getItems()) {
            service.getSpec().getPorts().stream().map(ServicePort::getNodePort).filter(p -> p != null).forEach(usedNodePorts::add);
        }
        for (Service service : client.services().inNamespace(namespace).list().getItems()) {
            if (needsAllocation(service)) {
                client.services().inNamespace(namespace).withName(service.getMetadata().getName()).edit(this::allocate);
                changed++;
            }
            if (loadBalancers && "LoadBalancer".equals(service.getSpec().getType())
                    && (service.getStatus() == null || service.getStatus().getLoadBalancer() == null || service.getStatus().getLoadBalancer().getIngress() == null
                            || service.getStatus().getLoadBalancer().getIngress().isEmpty())) {
                String ip = "203.0.113." + nextLoadBalancer++;
                client.services().inNamespace(namespace).withName(service.getMetadata().getName()).edit(s -> {
                    s.setStatus(new ServiceStatusBuilder().withLoadBalancer(new LoadBalancerStatusBuilder()
                            .withIngress(new LoadBalancerIngressBuilder().withIp(ip).withIpMode("VIP").build()).build()).build());
                    return s;
                });
                changed++;
            }
            if (podsPerService > 0 && service.getSpec().getSelector() != null && !service.getSpec().getSelector().isEmpty()
                    && client.resources(EndpointSlice.class).inNamespace(namespace).withName(service.getMetadata().getName() + "-stand-in").get() == null) {
                client.resource(endpointSlice(service, podsPerService)).create();
                changed++;
            }
        }
        return changed;
    }

    /** Playing the loop until nothing is left to do, at most a bounded number of passes. */
    public void settle(boolean loadBalancers, int podsPerService) {
        for (int i = 0; i < 10 && pass(loadBalancers, podsPerService) > 0; i++) {
            // another pass: the operator may have written something new meanwhile
        }
    }

    private static boolean needsAllocation(Service service) {
        String type = service.getSpec().getType();
        if ("ExternalName".equals(type)) {
            return false;
        }
        boolean clusterIp = service.getSpec().getClusterIP() == null || service.getSpec().getClusterIP().isEmpty();
        boolean nodePorts = ("NodePort".equals(type) || "LoadBalancer".equals(type))
                && service.getSpec().getPorts().stream().anyMatch(p -> p.getNodePort() == null);
        return clusterIp || nodePorts;
    }

    private Service allocate(Service service) {
        var spec = service.getSpec();
        if (spec.getClusterIP() == null || spec.getClusterIP().isEmpty()) {
            int n = nextIp++;
            String ip = "10.96." + (n / 250) + "." + (n % 250 + 1);
            List<String> families = spec.getIpFamilies() == null ? List.of() : spec.getIpFamilies();
            List<String> ips = new ArrayList<>();
            if (families.isEmpty() || families.contains("IPv4")) {
                ips.add(ip);
            }
            if (families.contains("IPv6")) {
                String v6 = "fd00:10:96::" + Integer.toHexString(n);
                if (families.get(0).equals("IPv6")) {
                    ips.add(0, v6);
                } else {
                    ips.add(v6);
                }
            }
            spec.setClusterIP(ips.get(0));
            spec.setClusterIPs(ips);
            if (spec.getIpFamilies() == null) {
                spec.setIpFamilies(List.of("IPv4"));
            }
            if (spec.getIpFamilyPolicy() == null) {
                spec.setIpFamilyPolicy(ips.size() > 1 ? "RequireDualStack" : "SingleStack");
            }
        }
        if ("NodePort".equals(spec.getType()) || "LoadBalancer".equals(spec.getType())) {
            for (ServicePort port : spec.getPorts()) {
                if (port.getNodePort() == null) {
                    while (usedNodePorts.contains(nextNodePort)) {
                        nextNodePort++;
                    }
                    usedNodePorts.add(nextNodePort);
                    port.setNodePort(nextNodePort++);
                }
            }
        }
        return service;
    }

    /** What the EndpointSlice controller would publish: the Service's labels, and one ready endpoint per pod. */
    private static EndpointSlice endpointSlice(Service service, int pods) {
        String name = service.getMetadata().getName();
        Map<String, String> labels = new LinkedHashMap<>(service.getMetadata().getLabels() == null
                ? Map.of() : service.getMetadata().getLabels());
        labels.put(EndpointSliceObserver.SERVICE_NAME_LABEL, name);
        labels.put("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
        EndpointSliceBuilder slice = new EndpointSliceBuilder()
                .withNewMetadata().withName(name + "-stand-in").withNamespace(service.getMetadata().getNamespace())
                .withLabels(labels).endMetadata()
                .withAddressType("IPv4");
        int seed = Math.abs(name.hashCode() % 200);
        for (int i = 0; i < pods; i++) {
            slice.addToEndpoints(new EndpointBuilder()
                    .withAddresses("10.244." + (i + 1) + "." + (seed + 2))
                    .withConditions(new EndpointConditionsBuilder().withReady(true).build())
                    .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withName(name + "-pod-" + i)
                            .withNamespace(service.getMetadata().getNamespace()).withUid(name + "-pod-uid-" + i).build())
                    .build());
        }
        for (ServicePort port : service.getSpec().getPorts()) {
            slice.addToPorts(new EndpointPortBuilder().withName(port.getName() == null ? "" : port.getName())
                    .withPort(port.getTargetPort() != null && port.getTargetPort().getIntVal() != null
                            ? port.getTargetPort().getIntVal() : port.getPort())
                    .withProtocol(port.getProtocol()).build());
        }
        return slice.build();
    }
}
