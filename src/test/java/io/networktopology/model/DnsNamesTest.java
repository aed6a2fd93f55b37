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
    void addressesHaveOneCanonicalTextAndCompareAsAddresses() {
        assertThat(DnsNames.canonical("fd00:99:0:0:0:0:0:250")).isEqualTo("fd00:99::250");
        assertThat(DnsNames.canonical("FD00:0:0:1:0:0:0:1")).as("the longest zero run").isEqualTo("fd00:0:0:1::1");
        assertThat(DnsNames.canonical("fd00:1:0:2:3:4:5:6")).as("one zero group stays").isEqualTo("fd00:1:0:2:3:4:5:6");
        assertThat(DnsNames.canonical("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(DnsNames.canonical("fd00:0:0:0:0:0:0:0")).isEqualTo("fd00::");
        assertThat(DnsNames.canonical("::ffff:10.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(DnsNames.canonical("fe80:0:0:0:0:0:0:1%eth0")).isEqualTo("fe80::1");
        assertThat(DnsNames.canonical("web.example.com")).isEqualTo("web.example.com");
        assertThat(DnsNames.sameValue("fd00:99::250", "fd00:99:0:0:0:0:0:250")).isTrue();
        assertThat(DnsNames.sameValue("fd00:99::250", "fd00:99::251")).isFalse();
        assertThat(DnsNames.sameValue("10.0.0.1", "::ffff:10.0.0.1")).isTrue();
        assertThat(DnsNames.sameValue("Web.Example.com.", "web.example.com")).isTrue();
        assertThat(DnsNames.sameValue("10.0.0.1", "web.example.com")).isFalse();
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

    @Test
    void hostAndPortAsWrittenForUpstreamsAndProbeServers() {
        assertThat(DnsNames.hostPort("10.0.0.53")).contains(new DnsNames.HostPort("10.0.0.53", null));
        assertThat(DnsNames.hostPort("10.0.0.53:5353")).contains(new DnsNames.HostPort("10.0.0.53", 5353));
        assertThat(DnsNames.hostPort("fd00::53")).as("a bare IPv6 address has no port").contains(new DnsNames.HostPort("fd00::53", null));
        assertThat(DnsNames.hostPort("[fd00::53]:53")).contains(new DnsNames.HostPort("fd00::53", 53));
        assertThat(DnsNames.hostPort("[fd00::53]").map(h -> h.portOr(53))).contains(53);
        assertThat(DnsNames.hostPort("10.0.0.53:")).isEmpty();
        assertThat(DnsNames.hostPort("10.0.0.53:dns")).isEmpty();
        assertThat(DnsNames.hostPort("[fd00::53]x")).isEmpty();
        assertThat(DnsNames.bracketed("fd00::53") + ":53").isEqualTo("[fd00::53]:53");
        assertThat(DnsNames.bracketed("10.0.0.53")).isEqualTo("10.0.0.53");
    }

    @Test
    void anAddressIsInACidrBitByBit() {
        assertThat(DnsNames.inCidr("10.244.1.7", "10.244.0.0/16")).isTrue();
        assertThat(DnsNames.inCidr("10.245.1.7", "10.244.0.0/16")).isFalse();
        assertThat(DnsNames.inCidr("203.0.113.255", "203.0.113.0/24")).isTrue();
        assertThat(DnsNames.inCidr("10.0.0.1", "0.0.0.0/0")).isTrue();
        assertThat(DnsNames.inCidr("10.0.0.1", "10.0.0.0/33")).isFalse();
        assertThat(DnsNames.inCidr("fd00::5", "fd00::/8")).isTrue();
        assertThat(DnsNames.inCidr("10.0.0.1", "fd00::/8")).isFalse();
        assertThat(DnsNames.inCidr("10.0.0.1", "10.0.0.0")).isFalse();
        assertThat(DnsNames.inCidr("web", "10.0.0.0/8")).isFalse();
    }
}
