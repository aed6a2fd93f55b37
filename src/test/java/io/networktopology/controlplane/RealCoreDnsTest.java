package io.networktopology.controlplane;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.dns.CorefilePatch;
import io.networktopology.dns.DnsEntries;
import io.networktopology.model.DnsNames;
import io.networktopology.model.ServiceModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static io.networktopology.Topologies.clusterIp;
import static io.networktopology.Topologies.externalName;
import static io.networktopology.Topologies.port;
import static io.networktopology.Topologies.service;
import static io.networktopology.Topologies.topology;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real CoreDNS serving a Corefile produced by the operator's own Corefile code, its kubernetes plugin watching the
 * real API server, a dnsmasq as the stub domain's upstream, and the project's DNS client asking. Traffic goes to
 * 127.0.0.1 only.
 */
@ExtendWith(RealControlPlaneExtension.class)
class RealCoreDnsTest {

    static final String NS = "dns";
    static KubernetesClient client;
    static int dnsPort;
    static int readyPort;
    static int upstreamPort;
    static String base;
    static String webIp;
    static ControlPlane plane;

    static final DnsEntries ENTRIES = new DnsEntries(
            List.of(new DnsEntries.Alias("web.dns.internal", DnsNames.serviceFqdn("web", NS, "cluster.local"))),
            List.of(new DnsEntries.Host("legacy.dns.internal", List.of("10.1.2.3", "fd00::3"))),
            List.of(new DnsEntries.StubDomain("corp.example", List.of("127.0.0.1:UPSTREAM"))));

    @BeforeAll
    static void startCoreDnsOnAPatchedCorefile(ControlPlane controlPlane) throws Exception {
        plane = controlPlane;
        client = plane.client();
        client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        NetworkTopology topology = topology(NS, "shop", clusterIp("web"),
                service("db", ServiceType.Headless, port("pg", 5432, 5432)), externalName("pay", "payments.example.com"));
        for (Service s : ServiceModel.desiredServices(topology)) {
            client.resource(s).create();
        }
        webIp = client.services().inNamespace(NS).withName("web").get().getSpec().getClusterIP();

        upstreamPort = ControlPlane.freePort();
        plane.launch("dnsmasq", "dnsmasq", "-k", "--conf-file=/dev/null", "--port=" + upstreamPort, "--listen-address=127.0.0.1",
                "--bind-interfaces", "--no-resolv", "--no-hosts", "--host-record=ldap.corp.example,10.20.30.40");
        dnsPort = ControlPlane.freePort();
        readyPort = ControlPlane.freePort();
        base = """
                .:%d {
                    errors
                    ready 127.0.0.1:%d
                    kubernetes cluster.local in-addr.arpa ip6.arpa {
                        kubeconfig %s nto
                        pods insecure
                        fallthrough in-addr.arpa ip6.arpa
                    }
                    reload 2s
                }
                """.formatted(dnsPort, readyPort, plane.kubeconfig());
        plane.coreDns("main", CorefilePatch.apply(base, entries(ENTRIES)), readyPort);
    }

    static DnsEntries entries(DnsEntries template) {
        return new DnsEntries(template.aliases(), template.hosts(), template.stubDomains().stream()
                .map(s -> new DnsEntries.StubDomain(s.domain(), s.upstreams().stream()
                        .map(u -> u.replace("UPSTREAM", String.valueOf(upstreamPort))).toList())).toList());
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    static Message ask(String name, int type) throws Exception {
        SimpleResolver resolver = new SimpleResolver(InetAddress.getLoopbackAddress());
        resolver.setPort(dnsPort);
        resolver.setTimeout(Duration.ofSeconds(3));
        Record question = Record.newRecord(Name.fromString(name.endsWith(".") ? name : name + "."), type, DClass.IN);
        return resolver.send(Message.newQuery(question));
    }

    static List<Record> answers(String name, int type) throws Exception {
        Message response = ask(name, type);
        assertThat(Rcode.string(response.getRcode())).as("rcode for %s %s", name, Type.string(type)).isEqualTo("NOERROR");
        return response.getSection(Section.ANSWER);
    }

    @Test
    void servicesAnswerAAndSrvAndPtr() throws Exception {
        assertThat(answers("web.dns.svc.cluster.local", Type.A)).singleElement()
                .satisfies(r -> assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo(webIp));
        assertThat(answers("_http._tcp.web.dns.svc.cluster.local", Type.SRV)).singleElement().satisfies(r -> {
            assertThat(((SRVRecord) r).getPort()).isEqualTo(80);
            assertThat(((SRVRecord) r).getTarget().toString()).isEqualTo("web.dns.svc.cluster.local.");
        });
        String ptr = DnsNames.ptrName(webIp).orElseThrow();
        assertThat(answers(ptr, Type.PTR)).singleElement()
                .satisfies(r -> assertThat(((PTRRecord) r).getTarget().toString()).isEqualTo("web.dns.svc.cluster.local."));
        assertThat(answers("pay.dns.svc.cluster.local", Type.CNAME)).singleElement()
                .satisfies(r -> assertThat(((CNAMERecord) r).getTarget().toString()).isEqualTo("payments.example.com."));
    }

    @Test
    void anAliasAnswersWithTheServicesAddressUnderTheQuestionsName() throws Exception {
        assertThat(answers("web.dns.internal", Type.A)).singleElement().satisfies(r -> {
            assertThat(r.getName().toString()).as("the answer name must be the question").isEqualTo("web.dns.internal.");
            assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo(webIp);
        });
    }

    @Test
    void staticHostsAnswerForwardAndReverse() throws Exception {
        assertThat(answers("legacy.dns.internal", Type.A)).singleElement()
                .satisfies(r -> assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("10.1.2.3"));
        assertThat(answers("legacy.dns.internal", Type.AAAA)).singleElement()
                .satisfies(r -> assertThat(((AAAARecord) r).getAddress().getHostAddress()).isEqualTo("fd00:0:0:0:0:0:0:3"));
        assertThat(answers("3.2.1.10.in-addr.arpa", Type.PTR)).singleElement()
                .satisfies(r -> assertThat(((PTRRecord) r).getTarget().toString()).isEqualTo("legacy.dns.internal."));
    }

    @Test
    void aStubDomainIsForwardedToItsUpstream() throws Exception {
        assertThat(answers("ldap.corp.example", Type.A)).singleElement()
                .satisfies(r -> assertThat(((ARecord) r).getAddress().getHostAddress()).isEqualTo("10.20.30.40"));
    }

    @Test
    void reloadPicksUpACorefileChange() throws Exception {
        DnsEntries more = new DnsEntries(ENTRIES.aliases(), List.of(ENTRIES.hosts().get(0),
                new DnsEntries.Host("new.dns.internal", List.of("10.9.9.9"))), ENTRIES.stubDomains());
        Files.writeString(plane.dir().resolve("main.Corefile"), CorefilePatch.apply(base, entries(more)));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() ->
                ask("new.dns.internal", Type.A).getSection(Section.ANSWER).stream()
                        .anyMatch(r -> r instanceof ARecord a && a.getAddress().getHostAddress().equals("10.9.9.9")));
    }
}
