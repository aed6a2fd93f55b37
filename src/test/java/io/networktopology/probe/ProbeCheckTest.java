package io.networktopology.probe;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checks a probe pod receives: one flat JSON object per check, its kind in "type", read back as the same record. */
class ProbeCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyKindTravelsAsFlatJsonAndComesBackTheSame() throws Exception {
        List<ProbeCheck> checks = List.of(
                ProbeCheck.tcp("svc-ip-web-80", "10.96.0.10", 80).withSourceRanges(List.of("203.0.113.0/24")),
                ProbeCheck.http("ingress-shop", "203.0.113.7", 443, "/admin", "shop.example.com").withScheme("https").withMaxStatusClass(4)
                        .on("ExternalToService", "probe client pod", "https://shop.example.com/admin"),
                ProbeCheck.dns("dns-alias-www", null, "www.shop.internal", "A", List.of("10.96.0.10")).withServer("10.244.0.3:53")
                        .withRetryForMs(30_000),
                ProbeCheck.endpoints("svc-endpoints-web-80", List.of("10.244.1.5:8080", "[fd00::5]:8080")),
                ProbeCheck.echo("pod-to-pod-node-b", "10.244.2.5", 8080, "$POD_IP", null, 1).withTimeoutMs(2000));
        String wire = JSON.writeValueAsString(checks);
        assertThat(wire).startsWith("[{\"id\":\"svc-ip-web-80\",\"sourceRanges\":[\"203.0.113.0/24\"],\"host\":\"10.96.0.10\",\"port\":80,\"type\":\"tcp\"}");
        assertThat(JSON.readTree(wire).findValuesAsText("type")).containsExactly("tcp", "http", "dns", "endpoints", "echo");
        assertThat(JSON.readValue(wire, new TypeReference<List<ProbeCheck>>() { })).isEqualTo(checks);
        assertThat(List.of(JSON.readValue(wire, ProbeCheck[].class))).isEqualTo(checks);
        assertThat(checks.get(3).bound()).as("each endpoint within its own timeout").isEqualTo(4000);
    }

    @Test
    void anUnknownKindIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> JSON.readValue("[{\"type\":\"icmp\",\"id\":\"x\"}]", ProbeCheck[].class))
                .isInstanceOf(InvalidTypeIdException.class).hasMessageContaining("'icmp'").hasMessageContaining("[dns, echo, endpoints, http, tcp, tls]");
    }
}
