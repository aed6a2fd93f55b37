package io.networktopology;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.NetworkTopologySpec;
import io.networktopology.api.v1alpha1.ServicePortSpec;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders for topologies in tests. */
public final class Topologies {

    private Topologies() {
    }

    public static NetworkTopology topology(String namespace, String name, ServiceSpec... services) {
        NetworkTopology topology = new NetworkTopology();
        topology.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        NetworkTopologySpec spec = new NetworkTopologySpec();
        spec.setServices(new ArrayList<>(List.of(services)));
        topology.setSpec(spec);
        return topology;
    }

    public static ServiceSpec service(String name, ServiceType type, ServicePortSpec... ports) {
        ServiceSpec spec = new ServiceSpec();
        spec.setName(name);
        spec.setType(type);
        if (type != ServiceType.ExternalName) {
            spec.setSelector(Map.of("app", name));
            spec.setPorts(new ArrayList<>(List.of(ports)));
        }
        return spec;
    }

    public static ServiceSpec clusterIp(String name) {
        return service(name, ServiceType.ClusterIP, port("http", 80, 8080));
    }

    public static ServiceSpec externalName(String name, String target) {
        ServiceSpec spec = service(name, ServiceType.ExternalName);
        spec.setExternalName(target);
        return spec;
    }

    /** An ingress with one rule and one path per backend given as "path=service:port". */
    public static io.networktopology.api.v1alpha1.IngressSpec ingress(String name, String host, String... routes) {
        io.networktopology.api.v1alpha1.IngressSpec spec = new io.networktopology.api.v1alpha1.IngressSpec();
        spec.setName(name);
        List<io.networktopology.api.v1alpha1.IngressPathSpec> paths = new ArrayList<>();
        for (String route : routes) {
            String[] parts = route.split("[=:]");
            IntOrString port = parts[2].matches("\\d+") ? new IntOrString(Integer.parseInt(parts[2])) : new IntOrString(parts[2]);
            paths.add(new io.networktopology.api.v1alpha1.IngressPathSpec(parts[0], null, parts[1], port));
        }
        spec.setRules(new ArrayList<>(List.of(new io.networktopology.api.v1alpha1.IngressRuleSpec(host, paths))));
        return spec;
    }

    /** An HTTPRoute on Gateway {@code gateway} (namespace/name) for {@code host} with one PathPrefix rule per "path=service:port". */
    public static io.networktopology.api.v1alpha1.HTTPRouteSpec httpRoute(String name, String gateway, String host, String... routes) {
        io.networktopology.api.v1alpha1.HTTPRouteSpec spec = new io.networktopology.api.v1alpha1.HTTPRouteSpec();
        spec.setName(name);
        spec.setParentRefs(new ArrayList<>(List.of(parentRef(gateway))));
        spec.setHostnames(host == null ? null : new ArrayList<>(List.of(host)));
        List<io.networktopology.api.v1alpha1.HTTPRouteSpec.Rule> rules = new ArrayList<>();
        for (String route : routes) {
            String[] parts = route.split("[=:]");
            io.networktopology.api.v1alpha1.HTTPRouteSpec.Match match = new io.networktopology.api.v1alpha1.HTTPRouteSpec.Match();
            match.setPath(new io.networktopology.api.v1alpha1.HTTPRouteSpec.PathMatch(null, parts[0]));
            io.networktopology.api.v1alpha1.HTTPRouteSpec.Rule rule = new io.networktopology.api.v1alpha1.HTTPRouteSpec.Rule();
            rule.setMatches(new ArrayList<>(List.of(match)));
            rule.setBackendRefs(new ArrayList<>(List.of(backendRef(parts[1], parts[2]))));
            rules.add(rule);
        }
        spec.setRules(rules);
        return spec;
    }

    /** A TLS, TCP or UDP route on {@code gateway} (namespace/name) to "service:port". */
    public static io.networktopology.api.v1alpha1.StreamRouteSpec streamRoute(String name, String gateway, List<String> hostnames, String backend) {
        io.networktopology.api.v1alpha1.StreamRouteSpec spec = new io.networktopology.api.v1alpha1.StreamRouteSpec();
        spec.setName(name);
        spec.setParentRefs(new ArrayList<>(List.of(parentRef(gateway))));
        spec.setHostnames(hostnames);
        io.networktopology.api.v1alpha1.StreamRouteSpec.Rule rule = new io.networktopology.api.v1alpha1.StreamRouteSpec.Rule();
        String[] parts = backend.split(":");
        rule.setBackendRefs(new ArrayList<>(List.of(backendRef(parts[0], parts[1]))));
        spec.setRules(new ArrayList<>(List.of(rule)));
        return spec;
    }

    public static io.networktopology.api.v1alpha1.RouteParentRef parentRef(String gateway) {
        String[] parts = gateway.split("/");
        return parts.length == 1 ? new io.networktopology.api.v1alpha1.RouteParentRef(parts[0], null, null, null)
                : new io.networktopology.api.v1alpha1.RouteParentRef(parts[1], parts[0], parts.length > 2 ? parts[2] : null, null);
    }

    public static io.networktopology.api.v1alpha1.RouteBackendRef backendRef(String service, String port) {
        return new io.networktopology.api.v1alpha1.RouteBackendRef(service,
                port.matches("\\d+") ? new IntOrString(Integer.parseInt(port)) : new IntOrString(port), null);
    }

    public static NetworkTopology withIngresses(NetworkTopology topology, io.networktopology.api.v1alpha1.IngressSpec... ingresses) {
        topology.getSpec().setIngresses(new ArrayList<>(List.of(ingresses)));
        return topology;
    }

    public static io.networktopology.api.v1alpha1.DnsSpec dns(List<io.networktopology.api.v1alpha1.DnsSpec.Alias> aliases,
            List<io.networktopology.api.v1alpha1.DnsSpec.Host> hosts, List<io.networktopology.api.v1alpha1.DnsSpec.StubDomain> stubs) {
        io.networktopology.api.v1alpha1.DnsSpec dns = new io.networktopology.api.v1alpha1.DnsSpec();
        dns.setAliases(aliases);
        dns.setHosts(hosts);
        dns.setStubDomains(stubs);
        return dns;
    }

    public static ServicePortSpec port(String name, int port, int targetPort) {
        return new ServicePortSpec(name, port, new IntOrString(targetPort));
    }
}
