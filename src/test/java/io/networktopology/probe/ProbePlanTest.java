package io.networktopology.probe;

import io.fabric8.kubernetes.api.model.Service;
import io.networktopology.api.DnsSpec;
import io.networktopology.api.NetworkTopology;
import io.networktopology.api.PortProtocol;
import io.networktopology.api.ProbesSpec;
import io.networktopology.api.ProbesSpec.ProbePath;
import io.networktopology.api.ServiceType;
import io.networktopology.model.ServiceModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.externalName;
import static io.networktopology.Topologies.port;
import static io.networktopology.Topologies.service;
import static io.networktopology.Topologies.topology;
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

        assertThat(checks).extracting(c -> c.id() + " " + c.type() + " " + (c.name() != null ? c.recordType() + " " + c.name() + " " + c.expect()
                : c.host() + ":" + c.port())).containsExactly(
                "dns-a-web dns A web.shop.svc.cluster.local [10.96.3.4]",
                "dns-ptr-web dns PTR 4.3.96.10.in-addr.arpa [web.shop.svc.cluster.local]",
                "dns-srv-web-http dns SRV _http._tcp.web.shop.svc.cluster.local []",
                "dns-srv-web-dns dns SRV _dns._udp.web.shop.svc.cluster.local []",
                "svc-ip-web-80 tcp 10.96.3.4:80",
                "svc-name-web-80 tcp web.shop.svc.cluster.local:80",
                "dns-a-db dns A db.shop.svc.cluster.local []",
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
    }
}
