package io.networktopology.model;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/** The DNS names Kubernetes' DNS specification gives a Service, its named ports and its cluster IPs. */
public final class DnsNames {

    private DnsNames() {
    }

    public static String serviceFqdn(String service, String namespace, String clusterDomain) {
        return service + "." + namespace + ".svc." + clusterDomain;
    }

    /** {@code _<port>._<proto>.<fqdn>}, as the DNS spec defines for named ports. */
    public static String srvName(String portName, String protocol, String fqdn) {
        return "_" + portName + "._" + protocol.toLowerCase(Locale.ROOT) + "." + fqdn;
    }

    /** The in-addr.arpa / ip6.arpa name of an IP literal; empty when the text is not an IP literal. */
    public static Optional<String> ptrName(String ip) {
        if (ip == null || ip.isBlank() || !(ip.contains(".") || ip.contains(":")) || !ip.matches("[0-9a-fA-F:.]+")) {
            return Optional.empty();
        }
        InetAddress address;
        try {
            // A literal only: the pattern above keeps this from ever resolving a name.
            address = InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        byte[] bytes = address.getAddress();
        StringBuilder name = new StringBuilder();
        if (address instanceof Inet4Address) {
            for (int i = bytes.length - 1; i >= 0; i--) {
                name.append(bytes[i] & 0xff).append('.');
            }
            return Optional.of(name.append("in-addr.arpa").toString());
        }
        if (address instanceof Inet6Address) {
            for (int i = bytes.length - 1; i >= 0; i--) {
                name.append(Character.forDigit(bytes[i] & 0x0f, 16)).append('.');
                name.append(Character.forDigit((bytes[i] >> 4) & 0x0f, 16)).append('.');
            }
            return Optional.of(name.append("ip6.arpa").toString());
        }
        return Optional.empty();
    }
}
