package io.networktopology.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DnsNamesTest {

    @Test
    void serviceAndSrvNamesFollowTheKubernetesDnsSpec() {
        String fqdn = DnsNames.serviceFqdn("web", "shop", "cluster.local");
        assertThat(fqdn).isEqualTo("web.shop.svc.cluster.local");
        assertThat(DnsNames.srvName("http", "TCP", fqdn)).isEqualTo("_http._tcp.web.shop.svc.cluster.local");
        assertThat(DnsNames.srvName("dns", "UDP", fqdn)).isEqualTo("_dns._udp.web.shop.svc.cluster.local");
    }

    @Test
    void ptrNamesForIpv4AndIpv6() {
        assertThat(DnsNames.ptrName("10.96.3.4")).contains("4.3.96.10.in-addr.arpa");
        assertThat(DnsNames.ptrName("fd00:10:96::a")).contains(
                "a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa");
        assertThat(DnsNames.ptrName("None")).isEmpty();
        assertThat(DnsNames.ptrName("example.com")).isEmpty();
        assertThat(DnsNames.ptrName("10.96.3")).as("not read as 10.96.0.3").isEmpty();
    }
}
