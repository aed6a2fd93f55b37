package io.networktopology.probe;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.networktopology.api.v1alpha1.DnsSpec;
import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.PortProtocol;
import io.networktopology.api.v1alpha1.ProbesSpec.ProbePath;
import io.networktopology.api.v1alpha1.ServicePortSpec;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.model.DnsNames;
import io.networktopology.model.EntryPoints;
import io.networktopology.model.Routes;
import io.networktopology.model.ServiceModel;
import io.networktopology.model.TrafficPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The checks of one probe run, from the topology and what the cluster really assigned (cluster IPs, node ports, load
 * balancer and ingress addresses, the run's echo pods and the CoreDNS replicas). Pure.
 */
public final class ProbePlan {

    /** An echo pod of the run that came up: where it runs (a node name, or echo-N when it was not pinned) and its address. */
    public record EchoTarget(String pod, String node, String ip) {
    }

    /** A node: its name, the address NodePorts are reached on (external first) and its internal address. */
    public record NodeTarget(String name, String address, String internalIp) {
    }

    /** A CoreDNS replica, asked directly. */
    public record DnsReplica(String pod, String ip) {
    }

    /** The check that the run's echo Service spreads requests over its {@code n} echo pods (serviceIp null: not plannable). */
    public static ProbeCheck loadBalancing(String serviceIp, int port, int n) {
        return ProbeCheck.echo(LOAD_BALANCING, serviceIp, port, null, n, Math.max(6, 8 * n))
                .withTimeoutMs(8000)
                .on(ProbePath.PodToService.name(), "probe client pod", "probe echo Service " + (serviceIp == null ? "" : serviceIp + " ")
                        + "→ " + n + (n == 1 ? " echo pod" : " echo pods"));
    }

    public static final String LOAD_BALANCING = "load-balancing";

    /** Every request of one client to a Service with sessionAffinity: ClientIP reaches one of the {@code n} echo pods. */
    public static ProbeCheck sessionAffinity(String serviceIp, int port, int n) {
        return ProbeCheck.echo(SESSION_AFFINITY, serviceIp, port, null, null, Math.max(6, 8 * n)).withMaxBackends(1)
                .withTimeoutMs(8000)
                .on(ProbePath.PodToService.name(), "probe client pod", "probe echo Service " + (serviceIp == null ? "" : serviceIp + " ")
                        + "with sessionAffinity: ClientIP → 1 of " + n + " echo pods");
    }

    public static final String SESSION_AFFINITY = "session-affinity";

    /** Whether a Service of the topology asks for sessionAffinity: ClientIP (and has pods behind it to keep a client on). */
    public static boolean declaresClientIpAffinity(NetworkTopology topology) {
        return services(topology).stream().anyMatch(s -> s.getSessionAffinity() == io.networktopology.api.v1alpha1.SessionAffinity.ClientIP
                && s.effectiveType() != ServiceType.ExternalName);
    }

    /** The Services of the topology whose NodePorts keep traffic on the node it arrived at (externalTrafficPolicy: Local). */
    public static List<String> localTrafficServices(NetworkTopology topology) {
        return services(topology).stream().filter(s -> s.effectiveType().exposesNodePorts()
                && s.getExternalTrafficPolicy() == io.networktopology.api.v1alpha1.TrafficPolicy.Local).map(ServiceSpec::getName).toList();
    }

    /**
     * What a topology with {@code externalTrafficPolicy: Local} promises that no check of this run covers, or null. Only
     * a client outside the pod network (a hostNetwork probe pod, with nodeToNode) is treated by kube-proxy as external:
     * a pod's connection goes to any endpoint, so from a pod neither promise shows.
     */
    public static String localTrafficGap(NetworkTopology topology, List<ProbePath> paths, int nodes) {
        List<String> local = localTrafficServices(topology);
        if (local.isEmpty() || !paths.contains(ProbePath.ExternalToService)) {
            return null;
        }
        String what = "externalTrafficPolicy Local of " + String.join(", ", local)
                + " (the client's source address kept; only nodes with a ready endpoint answer): not checked, ";
        if (!paths.contains(ProbePath.NodeToNode)) {
            return what + "needs spec.probes.nodeToNode (hostNetwork probe pods, the only in-cluster clients kube-proxy treats as external)";
        }
        return nodes < 2 ? what + "needs two nodes that run probe pods" : null;
    }

    /**
     * The Gateway API routes no check covers, said in {@code notChecked} so that a topology with such a route never reads
     * as fully verified: UDP routes (no answer to wait for), routes not written (their kind not served, or another
     * topology's route claims the same), and routes with no listener to ask through — their Gateway not visible to the
     * operator, without an address yet, or with no listener that takes them.
     */
    public static String gatewayRoutesGap(NetworkTopology topology, List<ProbePath> paths,
            Map<String, List<io.networktopology.model.GatewayListeners.Listener>> routeListeners) {
        if (!paths.contains(ProbePath.ExternalToService)) {
            return null;
        }
        List<String> udp = new ArrayList<>();
        List<String> unwritten = new ArrayList<>();
        List<String> unreached = new ArrayList<>();
        for (io.networktopology.model.GatewayRouteModel.Kind kind : io.networktopology.model.GatewayRouteModel.Kind.values()) {
            for (var route : kind.routes(topology.getSpec())) {
                String name = kind.name() + " " + route.getName();
                if (kind == io.networktopology.model.GatewayRouteModel.Kind.UDPRoute) {
                    udp.add(name);
                } else if (!routeListeners.containsKey(kind.key(route.getName()))) {
                    unwritten.add(name);
                } else if (routeListeners.getOrDefault(kind.key(route.getName()), List.of()).stream()
                        .noneMatch(l -> !l.addresses().isEmpty())) {
                    unreached.add(name);
                }
            }
        }
        List<String> gaps = new ArrayList<>();
        if (!udp.isEmpty()) {
            gaps.add("Gateway API routes " + String.join(", ", udp) + ": not probed (UDP has no answer to wait for without knowing the backend's protocol)");
        }
        if (!unwritten.isEmpty()) {
            gaps.add("Gateway API routes " + String.join(", ", unwritten) + ": not probed, not written (see RoutesReady)");
        }
        if (!unreached.isEmpty()) {
            gaps.add("Gateway API routes " + String.join(", ", unreached) + ": not probed, no listener to ask through (their Gateway not"
                    + " visible to the operator, without an address, or with no listener that takes them; see RoutesReady)");
        }
        return gaps.isEmpty() ? null : String.join("; ", gaps);
    }

    /**
     * The checks of {@code externalTrafficPolicy: Local} from a hostNetwork client on {@code fromNode}, against every
     * other sampled node: each Local NodePort answers there only if that node has a ready endpoint of its Service (and
     * must not answer otherwise), and through the run's Local echo Service the echo pod on that node sees this node's
     * own address (no source NAT). Named by the node asked.
     */
    public static List<ProbeCheck> localTraffic(NetworkTopology topology, Targets targets, String fromNode) {
        List<ProbeCheck> checks = new ArrayList<>();
        String from = "node " + fromNode + " (hostNetwork)";
        List<NodeTarget> others = targets.nodes().stream().filter(n -> !n.name().equals(fromNode)).toList();
        for (String name : localTrafficServices(topology)) {
            java.util.Set<String> withEndpoint = targets.endpointNodes() == null ? java.util.Set.of()
                    : targets.endpointNodes().getOrDefault(name, java.util.Set.of());
            for (ServicePort port : tcpNodePorts(targets.services().get(name))) {
                for (NodeTarget node : others) {
                    boolean answers = withEndpoint.contains(node.name());
                    ProbeCheck.Tcp check = ProbeCheck.tcp("nodeport-local-" + name + "-" + port.getPort() + "-" + node.name(), node.address(),
                            port.getNodePort());
                    checks.add((answers ? check : check.withExpectNoConnection()).on(ProbePath.ExternalToService.name(), from,
                            "NodePort " + node.address() + ":" + port.getNodePort() + " → " + name + ":" + port.getPort()
                                    + (answers ? " (externalTrafficPolicy Local: " + node.name() + " has a ready endpoint, must answer)"
                                            : " (externalTrafficPolicy Local: " + node.name() + " has no ready endpoint, must not answer)")));
                }
            }
        }
        if (targets.localNodePort() != null) {
            for (EchoTarget echo : targets.echoes()) {
                NodeTarget node = others.stream().filter(n -> n.name().equals(echo.node())).findFirst().orElse(null);
                if (node != null) {
                    checks.add(ProbeCheck.echo("source-kept-" + node.name(), node.address(), targets.localNodePort(), "$NODE_IP", null, 1)
                            .on(ProbePath.ExternalToService.name(), from, "probe echo NodePort " + node.address() + ":" + targets.localNodePort()
                                    + " (externalTrafficPolicy Local) → echo pod on " + node.name() + ": sees this node's own address"));
                }
            }
        }
        return checks;
    }

    /** A host no Ingress can route (.invalid is reserved, RFC 2606): the controller's "no route" answer. */
    public static final String UNROUTED_HOST = "no-route.networktopology.invalid";

    /**
     * What a run's client pods probe.
     *
     * @param echoes       the run's echo pods that are up
     * @param echoService  the cluster IP of the run's echo Service, or null
     * @param hostEchoes   the run's hostNetwork echo pods that are up (node IPs)
     * @param endpoints    the ready endpoint addresses per Service (what a headless name must resolve to)
     * @param endpointTargets the ready endpoints of each Service port as ip:port, keyed {@code <service>/<port name>}
     * @param dnsSettling  how long CoreDNS may still take to serve the operator's latest Corefile change (zero when it
     *                     has had time): the checks of the topology's own DNS entries keep trying that long
     * @param affinityService the cluster IP of the run's echo Service with sessionAffinity: ClientIP, or null
     * @param endpointNodes   the nodes with a ready endpoint, per Service
     * @param localNodePort   the node port of the run's echo Service with externalTrafficPolicy: Local, or null
     * @param routeListeners  per Gateway API route ({@code Kind/name}), the Gateway listeners it attaches to
     */
    public record Targets(Map<String, Service> services, Map<String, List<String>> endpoints, Map<String, Ingress> ingresses, List<NodeTarget> nodes,
            List<EchoTarget> echoes, String echoService, int echoPort, List<EchoTarget> hostEchoes, int hostEchoPort,
            List<DnsReplica> dnsReplicas, String clusterDomain, Map<String, List<String>> endpointTargets, java.time.Duration dnsSettling,
            String affinityService, Map<String, java.util.Set<String>> endpointNodes, Integer localNodePort,
            Map<String, List<io.networktopology.model.GatewayListeners.Listener>> routeListeners) {

        public Targets(Map<String, Service> services, Map<String, List<String>> endpoints, Map<String, Ingress> ingresses, List<NodeTarget> nodes,
                List<EchoTarget> echoes, String echoService, int echoPort, List<EchoTarget> hostEchoes, int hostEchoPort,
                List<DnsReplica> dnsReplicas, String clusterDomain, Map<String, List<String>> endpointTargets, java.time.Duration dnsSettling,
                String affinityService, Map<String, java.util.Set<String>> endpointNodes, Integer localNodePort) {
            this(services, endpoints, ingresses, nodes, echoes, echoService, echoPort, hostEchoes, hostEchoPort, dnsReplicas, clusterDomain,
                    endpointTargets, dnsSettling, affinityService, endpointNodes, localNodePort, Map.of());
        }
    }

    private ProbePlan() {
    }

    /** The client pod's checks: pod to pod, pod to Service, external to Service and DNS, as far as {@code paths} ask. */
    public static List<ProbeCheck> client(NetworkTopology topology, Targets targets, List<ProbePath> paths) {
        return client(topology, targets, paths, null);
    }

    /** @param clientNode the node the client pod is pinned to, or null when it may run on any */
    public static List<ProbeCheck> client(NetworkTopology topology, Targets targets, List<ProbePath> paths, String clientNode) {
        List<ProbeCheck> checks = new ArrayList<>();
        if (paths.contains(ProbePath.PodToPod)) {
            for (EchoTarget echo : targets.echoes()) {
                // Named by node, not by pod: the check is the same from run to run, so failures count up.
                checks.add(ProbeCheck.echo("pod-to-pod-" + echo.node(), echo.ip(), targets.echoPort(), "$POD_IP", null, 1)
                        .on(ProbePath.PodToPod.name(), "probe client pod", "echo pod " + echo.pod() + " on " + echo.node() + " (" + echo.ip() + ")"));
            }
        }
        if (paths.contains(ProbePath.PodToService) && targets.echoService() != null && !targets.echoes().isEmpty()) {
            checks.add(loadBalancing(targets.echoService(), targets.echoPort(), targets.echoes().size()));
        }
        if (paths.contains(ProbePath.PodToService) && targets.affinityService() != null && targets.echoes().size() > 1) {
            // With one echo pod any Service keeps a client on one pod: the check would prove nothing.
            checks.add(sessionAffinity(targets.affinityService(), targets.echoPort(), targets.echoes().size()));
        }
        Integer settling = targets.dnsSettling() == null || targets.dnsSettling().isZero() || targets.dnsSettling().isNegative() ? null
                : (int) targets.dnsSettling().toMillis();
        for (ProbeCheck check : clientChecks(topology, targets.services(), targets.endpoints(), targets.endpointTargets(),
                targets.clusterDomain(), paths)) {
            checks.add(settling != null && check instanceof ProbeCheck.Dns dns && dns.ofCorefileEntry() ? check.withRetryForMs(settling) : check);
        }
        if (paths.contains(ProbePath.ExternalToService)) {
            checks.addAll(external(topology, targets, clientNode));
        }
        if (!targets.dnsReplicas().isEmpty()) {
            List<ProbeCheck> perReplica = new ArrayList<>();
            for (ProbeCheck check : checks) {
                if (!(check instanceof ProbeCheck.Dns dns)) {
                    perReplica.add(check);
                    continue;
                }
                for (DnsReplica replica : targets.dnsReplicas()) {
                    String server = DnsNames.bracketed(replica.ip()) + ":53";
                    perReplica.add(dns.withServer(server).withId(dns.id() + "@" + replica.pod())
                            .on(dns.network(), dns.from(), dns.to() + " from CoreDNS pod " + replica.pod()));
                }
            }
            return perReplica;
        }
        return checks;
    }

    /**
     * The checks of a client pod on another sampled node: pod to pod (every echo pod) and pod to Service (the run's
     * echo Service and the topology's Services) from there, so that a node whose kube-proxy or routes broke shows as
     * such. Named after that node ({@code -from-<node>}); DNS and external entry points are the first client's.
     */
    public static List<ProbeCheck> fromNode(NetworkTopology topology, Targets targets, List<ProbePath> paths, String node) {
        // Pod to pod and pod to Service only: no DNS check is planned, so none is asked of each replica.
        List<ProbePath> inside = paths.stream().filter(p -> p == ProbePath.PodToPod || p == ProbePath.PodToService).toList();
        String from = "probe client pod on " + node;
        List<ProbeCheck> checks = new ArrayList<>(client(topology, targets, inside).stream()
                .map(check -> fromNode(check, node).on(check.network(), from, check.to())).toList());
        if (paths.contains(ProbePath.ExternalToService)) {
            checks.addAll(nodePorts(topology, targets, node, true).stream().map(c -> c.on(c.network(), from, c.to())).toList());
        }
        return checks;
    }

    /** A check run from another node than the first one: its name says from where, so that each node's result is its own. */
    public static ProbeCheck fromNode(ProbeCheck check, String node) {
        return check.withId(check.id() + "-from-" + node);
    }

    /**
     * The hostNetwork client's checks: every other node's hostNetwork echo pod, by the node's address (its own node
     * only when it is the only one).
     */
    public static List<ProbeCheck> nodeClient(Targets targets, String fromNode) {
        List<ProbeCheck> checks = new ArrayList<>();
        boolean others = targets.hostEchoes().stream().anyMatch(e -> !e.node().equals(fromNode));
        for (EchoTarget echo : targets.hostEchoes()) {
            if (others && echo.node().equals(fromNode)) {
                continue;
            }
            checks.add(ProbeCheck.echo("node-to-node-" + echo.node(), echo.ip(), targets.hostEchoPort(), "$NODE_IP", null, 1)
                    .on(ProbePath.NodeToNode.name(), "node " + fromNode, "node " + echo.node() + " (" + echo.ip() + ")"));
        }
        return checks;
    }

    /**
     * NodePorts on (a sample of) node addresses, load balancer addresses, and every ingress route through its address.
     *
     * @param clientNode the node the client pod is pinned to, or null when it may run on any
     */
    static List<ProbeCheck> external(NetworkTopology topology, Targets targets, String clientNode) {
        List<ProbeCheck> checks = new ArrayList<>(nodePorts(topology, targets, clientNode, false));
        for (ServiceSpec spec : services(topology)) {
            Service actual = targets.services().get(spec.getName());
            if (actual == null || actual.getSpec() == null || actual.getSpec().getPorts() == null) {
                continue;
            }
            for (ServicePort port : actual.getSpec().getPorts()) {
                if (port.getProtocol() != null && !"TCP".equals(port.getProtocol())) {
                    continue;
                }
                for (String lb : TrafficPath.loadBalancerAddresses(actual)) {
                    // With source ranges, the load balancer admits only those sources: run from the probe pod only if it is one.
                    checks.add(ProbeCheck.tcp("lb-" + spec.getName() + "-" + port.getPort() + "-" + lb, lb, port.getPort())
                            .withSourceRanges(spec.getLoadBalancerSourceRanges())
                            .on(ProbePath.ExternalToService.name(), "probe client pod",
                                    "load balancer " + lb + ":" + port.getPort() + " → " + spec.getName()));
                }
            }
        }
        List<IngressSpec> ingresses = topology.getSpec().getIngresses() == null ? List.of() : topology.getSpec().getIngresses();
        // A controller answers for a route it dropped (its Service has no ready endpoint) just as for an unknown host —
        // Traefik with 404 — so a route is proven by answering otherwise than a host nobody routes. Unless the topology
        // itself routes every host (a rule without host, a default backend): then that host is routed too.
        boolean catchAll = ingresses.stream().anyMatch(i -> i.getDefaultBackend() != null
                || Routes.of(i).stream().anyMatch(r -> r.host() == null));
        for (IngressSpec ingress : ingresses) {
            List<String> addresses = EntryPoints.ingressAddresses(targets.ingresses().get(ingress.getName()));
            if (addresses.isEmpty()) {
                continue;
            }
            String address = addresses.get(0);
            for (Routes.Route route : Routes.of(ingress)) {
                // A wildcard host is probed with one name it covers; a rule without host by the address itself.
                String host = route.host() == null ? address : route.host().startsWith("*.") ? "probe" + route.host().substring(1) : route.host();
                boolean tls = route.host() != null && Routes.tlsCovers(ingress, route.host());
                ProbeCheck.Http check = ProbeCheck.http("ingress-" + ingress.getName() + "-" + route.toString(), address, tls ? 443 : 80,
                        route.path(), host).withMaxStatusClass(4);
                if (!catchAll) {
                    check = check.withUnroutedHost(UNROUTED_HOST);
                }
                checks.add((tls ? check.withScheme("https") : check).on(ProbePath.ExternalToService.name(), "probe client pod",
                        Routes.url(ingress, route.host(), route.path()) + " via " + address));
            }
        }
        checks.addAll(RouteChecks.of(topology, targets.routeListeners() == null ? Map.of() : targets.routeListeners()));
        return checks;
    }

    /**
     * The NodePort checks of a client pod: every sampled node's address, except for a Service with
     * {@code externalTrafficPolicy: Local}, whose NodePort is asked on the client's own node only. kube-proxy sends a
     * pod's connection to such a NodePort to any endpoint without source NAT; when that endpoint is on another node
     * than the one asked, the answer comes back by another way and the connection fails half the time. An external
     * client has no such short cut, so the check from a pod can only speak for its own node; each node's client asks
     * its own (named by that node, like the others).
     *
     * @param clientNode the client's node, or null when unknown (then {@code $NODE_IP}, the pod's own node's address)
     * @param localOnly  only the {@code Local} Services' checks (the other nodes' clients)
     */
    static List<ProbeCheck> nodePorts(NetworkTopology topology, Targets targets, String clientNode, boolean localOnly) {
        List<ProbeCheck> checks = new ArrayList<>();
        for (ServiceSpec spec : services(topology)) {
            Service actual = targets.services().get(spec.getName());
            if (!spec.effectiveType().exposesNodePorts() || actual == null || actual.getSpec() == null || actual.getSpec().getPorts() == null) {
                continue;
            }
            boolean local = "Local".equals(actual.getSpec().getExternalTrafficPolicy());
            if (localOnly && !local) {
                continue;
            }
            List<NodeTarget> nodes = !local || targets.nodes().size() < 2 ? targets.nodes()
                    : clientNode == null ? List.of(new NodeTarget("own-node", "$NODE_IP", null))
                    : targets.nodes().stream().filter(n -> n.name().equals(clientNode)).toList();
            for (ServicePort port : tcpNodePorts(actual)) {
                for (NodeTarget node : nodes) {
                    String address = node.address().startsWith("$") ? "the pod's own node" : node.address();
                    checks.add(ProbeCheck.tcp("nodeport-" + spec.getName() + "-" + port.getPort() + "-" + node.name(), node.address(),
                            port.getNodePort()).on(ProbePath.ExternalToService.name(), "probe client pod",
                                    "NodePort " + address + ":" + port.getNodePort() + " → " + spec.getName() + ":" + port.getPort()
                                            + (local ? " (externalTrafficPolicy Local: asked on the client's own node)" : "")));
                }
            }
        }
        return checks;
    }

    /** The TCP ports of a Service that have a node port (a TCP connect proves nothing about UDP or SCTP). */
    private static List<ServicePort> tcpNodePorts(Service actual) {
        return actual == null || actual.getSpec() == null || actual.getSpec().getPorts() == null ? List.of()
                : actual.getSpec().getPorts().stream()
                        .filter(p -> (p.getProtocol() == null || "TCP".equals(p.getProtocol())) && p.getNodePort() != null).toList();
    }

    /** The Pod-to-Service and DNS checks of the topology's own Services and DNS entries. */
    public static List<ProbeCheck> clientChecks(NetworkTopology topology, Map<String, Service> observed, String clusterDomain,
            List<ProbePath> paths) {
        return clientChecks(topology, observed, Map.of(), clusterDomain, paths);
    }

    /**
     * @param endpoints ready endpoint addresses per Service: a headless Service's name must resolve to them (with none
     *     ready there is nothing it could resolve to, and no check)
     */
    public static List<ProbeCheck> clientChecks(NetworkTopology topology, Map<String, Service> observed,
            Map<String, List<String>> endpoints, String clusterDomain, List<ProbePath> paths) {
        return clientChecks(topology, observed, endpoints, Map.of(), clusterDomain, paths);
    }

    /** @param endpointTargets ready endpoints per Service port ({@code <service>/<port name>} → ip:port): each must answer */
    public static List<ProbeCheck> clientChecks(NetworkTopology topology, Map<String, Service> observed,
            Map<String, List<String>> endpoints, Map<String, List<String>> endpointTargets, String clusterDomain, List<ProbePath> paths) {
        List<ProbeCheck> checks = new ArrayList<>();
        String namespace = ServiceModel.namespaceOf(topology);
        String dnsPath = ProbePath.DNS.name();
        String from = "probe client pod";
        for (ServiceSpec spec : services(topology)) {
            String fqdn = DnsNames.serviceFqdn(spec.getName(), namespace, clusterDomain);
            Service actual = observed.get(spec.getName());
            String clusterIp = actual == null || actual.getSpec() == null ? null : actual.getSpec().getClusterIP();
            boolean hasIp = clusterIp != null && !clusterIp.isEmpty() && !"None".equals(clusterIp);
            ServiceType type = spec.effectiveType();
            if (paths.contains(ProbePath.DNS)) {
                if (type == ServiceType.ExternalName) {
                    checks.add(ProbeCheck.dns("dns-cname-" + spec.getName(), null, fqdn, "CNAME", List.of(spec.getExternalName()))
                            .on(dnsPath, from, "CNAME " + fqdn));
                } else if (type == ServiceType.Headless) {
                    List<String> ready = endpoints.getOrDefault(spec.getName(), List.of());
                    List<String> v4 = ready.stream().filter(a -> !a.contains(":")).toList();
                    List<String> v6 = ready.stream().filter(a -> a.contains(":")).toList();
                    // With publishNotReadyAddresses the name answers with pods that are not ready too: say so.
                    String which = Boolean.TRUE.equals(spec.getPublishNotReadyAddresses()) ? " pod(s), ready or not (publishNotReadyAddresses)"
                            : " ready pod(s)";
                    if (!v4.isEmpty()) {
                        checks.add(ProbeCheck.dns("dns-a-" + spec.getName(), null, fqdn, "A", v4)
                                .on(dnsPath, from, "A " + fqdn + " → the " + v4.size() + which));
                    }
                    if (!v6.isEmpty()) {
                        checks.add(ProbeCheck.dns("dns-aaaa-" + spec.getName(), null, fqdn, "AAAA", v6)
                                .on(dnsPath, from, "AAAA " + fqdn + " → the " + v6.size() + which));
                    }
                } else if (hasIp) {
                    String recordType = clusterIp.contains(":") ? "AAAA" : "A";
                    checks.add(ProbeCheck.dns("dns-a-" + spec.getName(), null, fqdn, recordType, List.of(clusterIp))
                            .on(dnsPath, from, recordType + " " + fqdn));
                    DnsNames.ptrName(clusterIp).ifPresent(ptr ->
                            checks.add(ProbeCheck.dns("dns-ptr-" + spec.getName(), null, ptr, "PTR", List.of(fqdn)).on(dnsPath, from, "PTR " + ptr)));
                }
                for (ServicePortSpec port : ports(spec)) {
                    if (port.getName() != null && type != ServiceType.ExternalName) {
                        String srv = DnsNames.srvName(port.getName(), ServiceModel.effectiveProtocol(port).name(), fqdn);
                        checks.add(ProbeCheck.dns("dns-srv-" + spec.getName() + "-" + port.getName(), null, srv, "SRV", List.of())
                                .on(dnsPath, from, "SRV " + srv));
                    }
                }
            }
            boolean selectorBased = spec.getSelector() != null && !spec.getSelector().isEmpty();
            if (paths.contains(ProbePath.PodToService) && hasIp && selectorBased) {
                for (ServicePortSpec port : ports(spec)) {
                    if (ServiceModel.effectiveProtocol(port) != PortProtocol.TCP) {
                        continue; // a TCP connect proves nothing about UDP or SCTP
                    }
                    String suffix = spec.getName() + "-" + port.getPort();
                    String path = ProbePath.PodToService.name();
                    checks.add(ProbeCheck.tcp("svc-ip-" + suffix, clusterIp, port.getPort()).on(path, from, "ClusterIP " + clusterIp + ":" + port.getPort()));
                    checks.add(ProbeCheck.tcp("svc-name-" + suffix, fqdn, port.getPort()).on(path, from, fqdn + ":" + port.getPort()));
                    List<String> ready = endpointTargets.getOrDefault(spec.getName() + "/" + (port.getName() == null ? "" : port.getName()),
                            List.of());
                    if (!ready.isEmpty()) {
                        checks.add(ProbeCheck.endpoints("svc-endpoints-" + suffix, ready).on(path, from, "every ready endpoint of "
                                + spec.getName() + ":" + port.getPort() + " (" + ready.size() + ")"));
                    }
                }
            }
        }
        DnsSpec dns = topology.getSpec() == null ? null : topology.getSpec().getDns();
        if (paths.contains(ProbePath.DNS) && dns != null) {
            for (DnsSpec.Alias alias : dns.getAliases() == null ? List.<DnsSpec.Alias>of() : dns.getAliases()) {
                Service target = observed.get(alias.getService());
                String ip = target == null || target.getSpec() == null ? null : target.getSpec().getClusterIP();
                checks.add(ProbeCheck.dns("dns-alias-" + alias.getName(), null, alias.getName(), "A",
                        ip == null || ip.isEmpty() || "None".equals(ip) ? List.of() : List.of(ip))
                        .on(dnsPath, from, "alias " + alias.getName() + " → " + alias.getService()));
            }
            for (DnsSpec.Host host : dns.getHosts() == null ? List.<DnsSpec.Host>of() : dns.getHosts()) {
                for (String address : host.getAddresses() == null ? List.<String>of() : host.getAddresses()) {
                    boolean v6 = address.contains(":");
                    checks.add(ProbeCheck.dns("dns-host-" + host.getHostname() + "-" + address, null, host.getHostname(),
                            v6 ? "AAAA" : "A", List.of(address)).on(dnsPath, from, "host " + host.getHostname() + " → " + address));
                    DnsNames.ptrName(address).ifPresent(ptr -> checks.add(ProbeCheck.dns("dns-host-ptr-" + address, null, ptr, "PTR",
                            List.of(host.getHostname())).on(dnsPath, from, "PTR " + ptr)));
                }
            }
            for (DnsSpec.StubDomain stub : dns.getStubDomains() == null ? List.<DnsSpec.StubDomain>of() : dns.getStubDomains()) {
                // The zone's SOA comes from its own servers: an answer proves CoreDNS forwards the zone.
                checks.add(ProbeCheck.dns("dns-stub-" + stub.getDomain(), null, stub.getDomain(), "SOA", List.of())
                        .on(dnsPath, from, "stub domain " + stub.getDomain() + " → " + String.join(", ", stub.getUpstreams())));
            }
        }
        return checks;
    }

    private static List<ServiceSpec> services(NetworkTopology topology) {
        return topology.getSpec() == null || topology.getSpec().getServices() == null ? List.of() : topology.getSpec().getServices();
    }

    private static List<ServicePortSpec> ports(ServiceSpec spec) {
        return spec.getPorts() == null ? List.of() : spec.getPorts();
    }
}
