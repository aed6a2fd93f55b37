package io.networktopology.probe;

import io.fabric8.kubernetes.api.model.Service;
import io.networktopology.api.v1alpha1.DnsSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.PortProtocol;
import io.networktopology.api.v1alpha1.ProbesSpec;
import io.networktopology.api.v1alpha1.ProbesSpec.ProbePath;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.model.GatewayListeners;
import io.networktopology.model.ServiceModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.externalName;
import static io.networktopology.Topologies.port;
import static io.networktopology.Topologies.service;
import static io.networktopology.Topologies.topology;
import static io.networktopology.probe.CheckFields.field;
import static org.assertj.core.api.Assertions.assertThat;

class ProbePlanTest {

    private static Service allocated(NetworkTopology topology, String name, String ip) {
        Service service = ServiceModel.desiredServices(topology).stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst().orElseThrow();
        service.getSpec().setClusterIP(ip);
        return service;
    }

    @Test
    void plansDnsAndServiceChecksFromWhatTheClusterAssigned() {
        var dnsPort = port("dns", 53, 5353);
        dnsPort.setProtocol(PortProtocol.UDP);
        var web = service("web", ServiceType.ClusterIP, port("http", 80, 8080), dnsPort);
        NetworkTopology topology = topology("shop", "shop", web, service("db", ServiceType.Headless, port("pg", 5432, 5432)),
                externalName("pay", "payments.example.com"));
        DnsSpec dns = new DnsSpec();
        dns.setAliases(List.of(new DnsSpec.Alias("www.shop.internal", "web")));
        dns.setHosts(List.of(new DnsSpec.Host("legacy.shop.internal", List.of("10.1.2.3"))));
        topology.getSpec().setDns(dns);

        List<ProbeCheck> checks = ProbePlan.clientChecks(topology, Map.of("web", allocated(topology, "web", "10.96.3.4")),
                "cluster.local", new ProbesSpec().effectivePaths());

        assertThat(checks).extracting(c -> c.id() + " " + c.type() + " " + (field(c, "name") != null ? field(c, "recordType") + " " + field(c, "name") + " " + field(c, "expect")
                : field(c, "host") + ":" + field(c, "port"))).containsExactly(
                "dns-a-web dns A web.shop.svc.cluster.local [10.96.3.4]",
                "dns-ptr-web dns PTR 4.3.96.10.in-addr.arpa [web.shop.svc.cluster.local]",
                "dns-srv-web-http dns SRV _http._tcp.web.shop.svc.cluster.local []",
                "dns-srv-web-dns dns SRV _dns._udp.web.shop.svc.cluster.local []",
                "svc-ip-web-80 tcp 10.96.3.4:80",
                "svc-name-web-80 tcp web.shop.svc.cluster.local:80",
                "dns-srv-db-pg dns SRV _pg._tcp.db.shop.svc.cluster.local []",
                "dns-cname-pay dns CNAME pay.shop.svc.cluster.local [payments.example.com]",
                "dns-alias-www.shop.internal dns A www.shop.internal [10.96.3.4]",
                "dns-host-legacy.shop.internal-10.1.2.3 dns A legacy.shop.internal [10.1.2.3]",
                "dns-host-ptr-10.1.2.3 dns PTR 3.2.1.10.in-addr.arpa [legacy.shop.internal]");
    }

    @Test
    void onlyTheChosenPathsAreChecked() {
        NetworkTopology topology = topology("shop", "shop", clusterIp("web"));
        Map<String, Service> observed = Map.of("web", allocated(topology, "web", "10.96.3.4"));
        assertThat(ProbePlan.clientChecks(topology, observed, "cluster.local", List.of(ProbePath.PodToService)))
                .extracting(ProbeCheck::type).containsOnly("tcp");
        assertThat(ProbePlan.clientChecks(topology, observed, "cluster.local", List.of(ProbePath.DNS)))
                .extracting(ProbeCheck::type).containsOnly("dns");
    }

    @Test
    void nodeToNodeIsOffUnlessSwitchedOn() {
        ProbesSpec probes = new ProbesSpec();
        probes.setPaths(List.of(ProbePath.NodeToNode, ProbePath.DNS));
        assertThat(probes.effectivePaths()).containsExactly(ProbePath.DNS);
        probes.setNodeToNode(true);
        assertThat(probes.effectivePaths()).containsExactly(ProbePath.NodeToNode, ProbePath.DNS);
        assertThat(new ProbesSpec().effectivePaths()).doesNotContain(ProbePath.NodeToNode).contains(ProbePath.PodToService);
        // Found on real nodes: nodeToNode: true with the default paths probed no node at all.
        ProbesSpec defaults = new ProbesSpec();
        defaults.setNodeToNode(true);
        assertThat(defaults.effectivePaths()).contains(ProbePath.NodeToNode, ProbePath.PodToService, ProbePath.DNS);
    }

    @Test
    void checksOfTheCorefileEntriesKeepTryingWhileCoreDnsLoadsAChange() {
        NetworkTopology topology = topology("shop", "shop");
        topology.getSpec().setDns(io.networktopology.Topologies.dns(List.of(),
                List.of(new DnsSpec.Host("legacy.shop.internal", List.of("10.1.2.3"))), List.of()));
        ProbePlan.Targets settling = new ProbePlan.Targets(Map.of(), Map.of(), Map.of(), List.of(), List.of(), null, 8080, List.of(), 29999,
                List.of(), "cluster.local", Map.of(), java.time.Duration.ofSeconds(40), null, Map.of(), null);
        assertThat(ProbePlan.client(topology, settling, List.of(ProbePath.DNS)))
                .extracting(ProbeCheck::id, c -> field(c, "retryForMs"))
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("dns-host-legacy.shop.internal-10.1.2.3", 40_000),
                        org.assertj.core.groups.Tuple.tuple("dns-host-ptr-10.1.2.3", 40_000));
        ProbePlan.Targets settled = new ProbePlan.Targets(Map.of(), Map.of(), Map.of(), List.of(), List.of(), null, 8080, List.of(), 29999,
                List.of(), "cluster.local", Map.of(), java.time.Duration.ZERO, null, Map.of(), null);
        assertThat(ProbePlan.client(topology, settled, List.of(ProbePath.DNS))).extracting(c -> field(c, "retryForMs")).containsOnlyNulls();
    }

    private static ProbePlan.Targets targets(NetworkTopology topology, Map<String, Service> services,
            Map<String, io.fabric8.kubernetes.api.model.networking.v1.Ingress> ingresses, List<ProbePlan.DnsReplica> replicas) {
        return new ProbePlan.Targets(services, Map.of("db", List.of("10.244.1.7", "10.244.2.8")), ingresses,
                List.of(new ProbePlan.NodeTarget("node-a", "203.0.113.1", "10.0.0.1"), new ProbePlan.NodeTarget("node-b", "10.0.0.2", "10.0.0.2")),
                List.of(new ProbePlan.EchoTarget("echo-0", "node-a", "10.244.1.5"), new ProbePlan.EchoTarget("echo-1", "node-b", "10.244.2.5")),
                "10.96.9.9", 8080, List.of(new ProbePlan.EchoTarget("host-echo-1", "node-b", "10.0.0.2")), 29999, replicas, "cluster.local",
                Map.of("web/http", List.of("10.244.1.5:8080", "10.244.2.5:8080")), java.time.Duration.ZERO, null, Map.of(), null);
    }

    @Test
    void externalChecksGoToNodePortsLoadBalancersAndEveryIngressRouteWithItsHostHeader() {
        var admin = service("admin", ServiceType.NodePort, port("http", 8080, 8080));
        var front = service("front", ServiceType.LoadBalancer, port("https", 443, 8443));
        NetworkTopology topology = topology("shop", "shop", admin, front);
        var tls = new io.networktopology.api.v1alpha1.IngressTLSSpec();
        tls.setHosts(List.of("shop.example.com"));
        var shop = io.networktopology.Topologies.ingress("shop", "shop.example.com", "/=admin:8080");
        shop.setTls(List.of(tls));
        var tenants = io.networktopology.Topologies.ingress("tenants", "*.tenants.example.com", "/api=admin:8080");
        io.networktopology.Topologies.withIngresses(topology, shop, tenants);
        Service adminActual = allocated(topology, "admin", "10.96.0.12");
        adminActual.getSpec().getPorts().get(0).setNodePort(30080);
        Service frontActual = allocated(topology, "front", "10.96.0.13");
        frontActual.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder().withNewLoadBalancer().addNewIngress().withIp("198.51.100.7")
                .endIngress().endLoadBalancer().build());
        Map<String, io.fabric8.kubernetes.api.model.networking.v1.Ingress> ingresses = new java.util.HashMap<>();
        for (var model : io.networktopology.model.IngressModel.desiredIngresses(topology)) {
            model.setStatus(new io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder().withNewLoadBalancer().addNewIngress()
                    .withIp("198.51.100.80").endIngress().endLoadBalancer().build());
            ingresses.put(model.getMetadata().getName(), model);
        }
        List<ProbeCheck> checks = ProbePlan.client(topology, targets(topology, Map.of("admin", adminActual, "front", frontActual), ingresses, List.of()),
                List.of(ProbePath.ExternalToService));
        assertThat(checks).extracting(c -> c.id() + " " + c.type() + " " + field(c, "host") + ":" + field(c, "port")
                + (field(c, "hostHeader") == null ? "" : " Host " + field(c, "hostHeader") + " " + field(c, "scheme") + " " + field(c, "path"))).containsExactly(
                "nodeport-admin-8080-node-a tcp 203.0.113.1:30080",
                "nodeport-admin-8080-node-b tcp 10.0.0.2:30080",
                "lb-front-443-198.51.100.7 tcp 198.51.100.7:443",
                "ingress-shop-shop.example.com/ http 198.51.100.80:443 Host shop.example.com https /",
                "ingress-tenants-*.tenants.example.com/api http 198.51.100.80:80 Host probe.tenants.example.com http /api");
        // An ingress that routes (even to a 404) passes; only a server error fails.
        assertThat(((ProbeCheck.Http) checks.get(3)).maxStatusClass()).isEqualTo(4);
        assertThat(checks).extracting(ProbeCheck::network).containsOnly("ExternalToService");
    }

    @Test
    void aNodePortWithExternalTrafficPolicyLocalIsAskedByEachNodesClientOnItsOwnNode() {
        var admin = service("admin", ServiceType.NodePort, port("http", 8080, 8080));
        NetworkTopology topology = topology("shop", "shop", admin);
        Service actual = allocated(topology, "admin", "10.96.0.12");
        actual.getSpec().getPorts().get(0).setNodePort(30080);
        actual.getSpec().setExternalTrafficPolicy("Local");
        ProbePlan.Targets targets = targets(topology, Map.of("admin", actual), Map.of(), List.of());
        // A pod's connection to another node's NodePort may be sent to an endpoint on a third way back: only its own node.
        assertThat(ProbePlan.client(topology, targets, List.of(ProbePath.ExternalToService), "node-b"))
                .extracting(c -> c.id() + " " + field(c, "host") + ":" + field(c, "port")).containsExactly("nodeport-admin-8080-node-b 10.0.0.2:30080");
        assertThat(ProbePlan.fromNode(topology, targets, List.of(ProbePath.PodToService, ProbePath.ExternalToService), "node-a"))
                .filteredOn(c -> c.id().startsWith("nodeport-")).extracting(c -> c.id() + " " + field(c, "host") + " " + c.from())
                .containsExactly("nodeport-admin-8080-node-a 203.0.113.1 probe client pod on node-a");
        // A client that may run anywhere asks the node it runs on.
        assertThat(ProbePlan.client(topology, targets, List.of(ProbePath.ExternalToService)))
                .extracting(c -> c.id() + " " + field(c, "host") + " " + c.to())
                .containsExactly("nodeport-admin-8080-own-node $NODE_IP NodePort the pod's own node:30080 → admin:8080"
                        + " (externalTrafficPolicy Local: asked on the client's own node)");
    }

    @Test
    void externalTrafficPolicyLocalIsCheckedFromEachNodesHostNetworkClientAgainstTheOtherNodes() {
        var admin = service("admin", ServiceType.NodePort, port("http", 8080, 8080));
        admin.setExternalTrafficPolicy(io.networktopology.api.v1alpha1.TrafficPolicy.Local);
        NetworkTopology topology = topology("shop", "shop", admin);
        Service actual = allocated(topology, "admin", "10.96.0.12");
        actual.getSpec().getPorts().get(0).setNodePort(30080);
        actual.getSpec().setExternalTrafficPolicy("Local");
        ProbePlan.Targets base = targets(topology, Map.of("admin", actual), Map.of(), List.of());
        // admin's only ready endpoint runs on node-b; the run's Local echo Service has node port 31000.
        ProbePlan.Targets targets = new ProbePlan.Targets(base.services(), base.endpoints(), base.ingresses(), base.nodes(), base.echoes(),
                base.echoService(), base.echoPort(), base.hostEchoes(), base.hostEchoPort(), base.dnsReplicas(), base.clusterDomain(),
                base.endpointTargets(), base.dnsSettling(), null, Map.of("admin", java.util.Set.of("node-b")), 31000);
        // From node-a: node-b has the endpoint and must answer; its echo pod must see node-a's own address.
        assertThat(ProbePlan.localTraffic(topology, targets, "node-a"))
                .extracting(c -> c.id() + " " + c.type() + " " + field(c, "host") + ":" + field(c, "port") + " " + field(c, "expectNoConnection")
                        + " " + field(c, "expectSource"))
                .containsExactly("nodeport-local-admin-8080-node-b tcp 10.0.0.2:30080 null null",
                        "source-kept-node-b echo 10.0.0.2:31000 null $NODE_IP");
        // From node-b: node-a has none, so its NodePort must not answer.
        List<ProbeCheck> fromB = ProbePlan.localTraffic(topology, targets, "node-b");
        assertThat(fromB).extracting(c -> c.id() + " " + field(c, "host") + ":" + field(c, "port") + " " + field(c, "expectNoConnection"))
                .containsExactly("nodeport-local-admin-8080-node-a 203.0.113.1:30080 true", "source-kept-node-a 203.0.113.1:31000 null");
        assertThat(fromB.get(0).to()).endsWith("(externalTrafficPolicy Local: node-a has no ready endpoint, must not answer)");
        assertThat(fromB.get(0).from()).isEqualTo("node node-b (hostNetwork)");
        // What cannot be checked is said: without hostNetwork clients, or with one node.
        assertThat(ProbePlan.localTrafficGap(topology, List.of(ProbePath.PodToService, ProbePath.ExternalToService), 2))
                .startsWith("externalTrafficPolicy Local of admin").contains("needs spec.probes.nodeToNode");
        assertThat(ProbePlan.localTrafficGap(topology, List.of(ProbePath.ExternalToService, ProbePath.NodeToNode), 1)).endsWith("needs two nodes that run probe pods");
        assertThat(ProbePlan.localTrafficGap(topology, List.of(ProbePath.ExternalToService, ProbePath.NodeToNode), 2)).isNull();
        assertThat(ProbePlan.localTrafficGap(topology, List.of(ProbePath.PodToService), 2)).isNull();
    }

    @Test
    void podToPodAndLoadBalancingUseTheRunsEchoPodsAndDnsIsAskedOfEveryReplica() {
        NetworkTopology topology = topology("shop", "shop", clusterIp("web"));
        Map<String, Service> observed = Map.of("web", allocated(topology, "web", "10.96.3.4"));
        List<ProbeCheck> checks = ProbePlan.client(topology, targets(topology, observed, Map.of(),
                List.of(new ProbePlan.DnsReplica("coredns-a", "10.244.0.2"), new ProbePlan.DnsReplica("coredns-b", "fd00::3"))),
                List.of(ProbePath.PodToPod, ProbePath.PodToService, ProbePath.DNS));
        assertThat(checks).filteredOn(c -> c.id().startsWith("pod-to-pod-")).extracting(c -> field(c, "host") + " " + field(c, "expectSource"))
                .containsExactly("10.244.1.5 $POD_IP", "10.244.2.5 $POD_IP");
        ProbeCheck lb = checks.stream().filter(c -> c.id().equals("load-balancing")).findFirst().orElseThrow();
        assertThat(field(lb, "host")).isEqualTo("10.96.9.9");
        assertThat(field(lb, "expectBackends")).isEqualTo(2);
        assertThat(((ProbeCheck.Echo) lb).attempts()).isGreaterThanOrEqualTo(16);
        assertThat(checks).filteredOn(c -> c.id().startsWith("dns-a-web")).extracting(c -> c.id() + " " + field(c, "server"))
                .containsExactly("dns-a-web@coredns-a 10.244.0.2:53", "dns-a-web@coredns-b [fd00::3]:53");
        assertThat(ProbePlan.nodeClient(targets(topology, observed, Map.of(), List.of()), "node-a"))
                .extracting(c -> c.id() + " " + field(c, "host") + ":" + field(c, "port") + " " + field(c, "expectSource"))
                .containsExactly("node-to-node-node-b 10.0.0.2:29999 $NODE_IP");
        // Every ready endpoint of the Service port must answer, not just the one kube-proxy picks.
        ProbeCheck endpoints = checks.stream().filter(c -> c.id().equals("svc-endpoints-web-80")).findFirst().orElseThrow();
        assertThat(endpoints.type()).isEqualTo("endpoints");
        assertThat(((ProbeCheck.Endpoints) endpoints).expect()).containsExactly("10.244.1.5:8080", "10.244.2.5:8080");
        assertThat(endpoints.to()).isEqualTo("every ready endpoint of web:80 (2)");
    }

    @Test
    void aClientOnAnotherNodeChecksPodToPodAndServicesFromThereUnderItsOwnNames() {
        NetworkTopology topology = topology("shop", "shop", clusterIp("web"));
        Map<String, Service> observed = Map.of("web", allocated(topology, "web", "10.96.3.4"));
        List<ProbeCheck> checks = ProbePlan.fromNode(topology, targets(topology, observed, Map.of(),
                List.of(new ProbePlan.DnsReplica("coredns-a", "10.244.0.2"))), new ProbesSpec().effectivePaths(), "node-b");
        assertThat(checks).extracting(ProbeCheck::id).containsExactlyInAnyOrder("pod-to-pod-node-a-from-node-b", "pod-to-pod-node-b-from-node-b",
                "load-balancing-from-node-b", "svc-ip-web-80-from-node-b", "svc-name-web-80-from-node-b", "svc-endpoints-web-80-from-node-b");
        assertThat(checks).extracting(ProbeCheck::from).containsOnly("probe client pod on node-b");
    }

    @Test
    void aHeadlessNameMustResolveToItsReadyPods() {
        NetworkTopology topology = topology("shop", "shop", service("db", ServiceType.Headless, port("pg", 5432, 5432)));
        assertThat(ProbePlan.clientChecks(topology, Map.of(), Map.of("db", List.of("10.244.1.7", "10.244.2.8", "fd00::7")), "cluster.local",
                List.of(ProbePath.DNS))).extracting(c -> c.id() + " " + field(c, "recordType") + " " + field(c, "expect")).containsExactly(
                "dns-a-db A [10.244.1.7, 10.244.2.8]", "dns-aaaa-db AAAA [fd00::7]", "dns-srv-db-pg SRV []");
        // No ready pod: nothing the name could resolve to, so no address check (ServicesReady names the empty service).
        assertThat(ProbePlan.clientChecks(topology, Map.of(), Map.of(), "cluster.local", List.of(ProbePath.DNS)))
                .extracting(ProbeCheck::id).containsExactly("dns-srv-db-pg");
    }

    @Test
    void everyGatewayRouteIsCheckedThroughTheListenersItAttachesToAndTheRestIsSaidNotChecked() {
        NetworkTopology topology = topology("shop", "shop", clusterIp("web"));
        var http = new GatewayListeners.Listener("gateways/edge", "http", "HTTP", 80, null, false, List.of("HTTPRoute", "GRPCRoute"), List.of("10.99.0.1"));
        var https = new GatewayListeners.Listener("gateways/edge", "https", "HTTPS", 443, null, false, null, List.of("10.99.0.1"));
        var tls = new GatewayListeners.Listener("gateways/edge", "tls", "TLS", 8443, null, true, null, List.of("10.99.0.1"));
        var tcp = new GatewayListeners.Listener("gateways/edge", "tcp", "TCP", 9100, null, false, null, List.of("10.99.0.1"));
        assertThat(ProbePlan.gatewayRoutesGap(topology, List.of(ProbePath.ExternalToService), Map.of())).as("no routes, no gap").isNull();
        var web = io.networktopology.Topologies.httpRoute("web", "gateways/edge", "*.shop.example.com", "/=web:80", "/api=web:80");
        web.getRules().get(1).getMatches().get(0).setPath(new io.networktopology.api.v1alpha1.HTTPRouteSpec.PathMatch(
                io.networktopology.api.v1alpha1.HTTPRouteSpec.PathMatchType.Exact, "/api"));
        var admin = new io.networktopology.api.v1alpha1.HTTPRouteSpec.HeaderMatch();
        admin.setName("X-Team");
        admin.setValue("platform");
        web.getRules().get(1).getMatches().get(0).setHeaders(List.of(admin));
        web.getRules().get(1).getMatches().get(0).setMethod(io.networktopology.api.v1alpha1.HTTPRouteSpec.HttpMethod.POST);
        topology.getSpec().setHttpRoutes(List.of(web));
        topology.getSpec().setTlsRoutes(List.of(io.networktopology.Topologies.streamRoute("dot", "gateways/edge", List.of("dot.example.com"), "web:80")));
        topology.getSpec().setTcpRoutes(List.of(io.networktopology.Topologies.streamRoute("db", "gateways/edge", null, "web:80")));
        topology.getSpec().setUdpRoutes(List.of(io.networktopology.Topologies.streamRoute("dns", "gateways/edge", null, "web:53")));
        Map<String, List<GatewayListeners.Listener>> listeners = Map.of("HTTPRoute/web", List.of(http, https), "TLSRoute/dot", List.of(tls),
                "TCPRoute/db", List.of(tcp), "UDPRoute/dns", List.of());

        List<ProbeCheck> checks = RouteChecks.of(topology, listeners);
        assertThat(checks).extracting(ProbeCheck::id).containsExactly(
                "httproute-web-http-probe.shop.example.com/", "httproute-web-http-probe.shop.example.com/api-POST-X-Team",
                "httproute-web-https-probe.shop.example.com/", "httproute-web-https-probe.shop.example.com/api-POST-X-Team",
                "tlsroute-dot-tls-dot.example.com", "tcproute-db-tcp-10.99.0.1");
        // A wildcard asked by one name it covers, with the match's method and headers, compared with a host nobody routes.
        ProbeCheck.Http post = (ProbeCheck.Http) checks.get(1);
        assertThat(post.host()).isEqualTo("10.99.0.1");
        assertThat(post.port()).isEqualTo(80);
        assertThat(post.hostHeader()).isEqualTo("probe.shop.example.com");
        assertThat(post.path()).isEqualTo("/api");
        assertThat(post.request()).isEqualTo(new ProbeCheck.Request("POST", Map.of("X-Team", "platform"), null, null));
        assertThat(post.unroutedHost()).isEqualTo(ProbePlan.UNROUTED_HOST);
        // HTTPS: the listener's one certificate serves every host, so it is not what tells the route's answer apart.
        ProbeCheck.Http secure = (ProbeCheck.Http) checks.get(2);
        assertThat(secure.scheme()).isEqualTo("https");
        assertThat(secure.port()).isEqualTo(443);
        assertThat(secure.request().sharedCertificate()).isTrue();
        assertThat(checks.get(4)).isEqualTo(ProbeCheck.tls("tlsroute-dot-tls-dot.example.com", "10.99.0.1", 8443, "dot.example.com",
                ProbePlan.UNROUTED_HOST).on("ExternalToService", "probe client pod", "TLS dot.example.com via Gateway gateways/edge listener tls (TLS 10.99.0.1:8443)"));
        assertThat(((ProbeCheck.Tcp) checks.get(5)).holdMs()).isEqualTo(RouteChecks.TCP_HOLD_MS);
        // The same checks are part of the client's external plan.
        assertThat(ProbePlan.external(topology, new ProbePlan.Targets(Map.of(), Map.of(), Map.of(), List.of(), List.of(), null, 8080, List.of(), 0,
                List.of(), "cluster.local", Map.of(), null, null, Map.of(), null, listeners), null)).containsAll(checks);

        assertThat(ProbePlan.gatewayRoutesGap(topology, List.of(ProbePath.ExternalToService), listeners))
                .isEqualTo("Gateway API routes UDPRoute dns: not probed (UDP has no answer to wait for without knowing the backend's protocol)");
        // A Gateway without an address yet (or not visible): its routes are not probed, and status says so.
        var unpublished = new GatewayListeners.Listener("gateways/edge", "tcp", "TCP", 9100, null, false, null, List.of());
        assertThat(ProbePlan.gatewayRoutesGap(topology, List.of(ProbePath.ExternalToService), Map.of("HTTPRoute/web", List.of(http, https),
                "TLSRoute/dot", List.of(tls), "TCPRoute/db", List.of(unpublished)))).endsWith("Gateway API routes TCPRoute db: not probed,"
                + " no listener to ask through (their Gateway not visible to the operator, without an address, or with no listener that takes"
                + " them; see RoutesReady)");
        assertThat(ProbePlan.gatewayRoutesGap(topology, List.of(ProbePath.PodToService), Map.of())).as("external paths not asked for").isNull();
    }

    @Test
    void aGrpcRouteIsCheckedByACallOfTheMethodItMatches() {
        NetworkTopology topology = topology("shop", "shop", clusterIp("grpc"));
        var route = new io.networktopology.api.v1alpha1.GRPCRouteSpec();
        route.setName("dns");
        route.setParentRefs(List.of(io.networktopology.Topologies.parentRef("gateways/edge")));
        route.setHostnames(List.of("grpc.example.com"));
        var rule = new io.networktopology.api.v1alpha1.GRPCRouteSpec.Rule();
        var byService = new io.networktopology.api.v1alpha1.GRPCRouteSpec.Match();
        byService.setMethod(new io.networktopology.api.v1alpha1.GRPCRouteSpec.MethodMatch("coredns.dns.DnsService", null));
        var byMethod = new io.networktopology.api.v1alpha1.GRPCRouteSpec.Match();
        byMethod.setMethod(new io.networktopology.api.v1alpha1.GRPCRouteSpec.MethodMatch(null, "Query"));
        rule.setMatches(List.of(byService, byMethod));
        rule.setBackendRefs(List.of(io.networktopology.Topologies.backendRef("grpc", "9053")));
        route.setRules(List.of(rule));
        topology.getSpec().setGrpcRoutes(List.of(route));
        var http = new GatewayListeners.Listener("gateways/edge", "http", "HTTP", 80, "*.example.com", false, null, List.of("10.99.0.1"));
        List<ProbeCheck> checks = RouteChecks.of(topology, Map.of("GRPCRoute/dns", List.of(http)));
        assertThat(checks).extracting(c -> ((ProbeCheck.Http) c).path()).containsExactly("/coredns.dns.DnsService/Check", "/grpc.health.v1.Health/Query");
        assertThat(checks).allSatisfy(c -> assertThat(((ProbeCheck.Http) c).grpc()).isTrue());
        // A listener for other names does not serve the route: nothing to ask it.
        var other = new GatewayListeners.Listener("gateways/edge", "http", "HTTP", 80, "*.internal.test", false, null, List.of("10.99.0.1"));
        assertThat(RouteChecks.of(topology, Map.of("GRPCRoute/dns", List.of(other)))).isEmpty();
    }
    @Test
    void aCatchAllOnTheListenerTwoGatewaysAnIpv6AddressAndATlsListenerAreCheckedForWhatTheyAre() {
        NetworkTopology topology = topology("shop", "shop", clusterIp("web"));
        var named = io.networktopology.Topologies.httpRoute("web", "gateways/edge", "shop.example.com", "/=web:80");
        var any = io.networktopology.Topologies.httpRoute("default", "gateways/edge", null, "/=web:80");
        topology.getSpec().setHttpRoutes(List.of(named, any));
        topology.getSpec().setTcpRoutes(List.of(io.networktopology.Topologies.streamRoute("db", "gateways/edge", null, "web:80")));
        var edge = new GatewayListeners.Listener("gateways/edge", "http", "HTTP", 80, null, false, null, List.of("fd00::1"));
        var other = new GatewayListeners.Listener("gateways/other", "http", "HTTP", 80, null, false, null, List.of("10.99.0.2"));
        var tls = new GatewayListeners.Listener("gateways/edge", "tls", "TLS", 8443, null, true, List.of("TCPRoute", "TLSRoute"), List.of("10.99.0.1"));
        List<ProbeCheck> checks = RouteChecks.of(topology, Map.of("HTTPRoute/web", List.of(edge, other), "HTTPRoute/default", List.of(edge),
                "TCPRoute/db", List.of(tls)));
        assertThat(checks).extracting(ProbeCheck::id).containsExactly("httproute-web-gateways.edge.http-shop.example.com/",
                "httproute-web-gateways.other.http-shop.example.com/", "httproute-default-http-[fd00::1]/");
        // The topology's own catch-all answers a host nobody routes on edge: no comparison there; on other, compared.
        assertThat(((ProbeCheck.Http) checks.get(0)).unroutedHost()).isNull();
        assertThat(((ProbeCheck.Http) checks.get(1)).unroutedHost()).isEqualTo(ProbePlan.UNROUTED_HOST);
        assertThat(((ProbeCheck.Http) checks.get(2)).hostHeader()).as("an IPv6 address as a Host header").isEqualTo("[fd00::1]");
        // A TCP route on a TLS listener: the Gateway holds any connection waiting for a ClientHello, so no check.
        assertThat(checks).noneMatch(c -> c.id().startsWith("tcproute-"));
    }
}
