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

    /**
     * An IPv4 (dotted quad) or IPv6 address literal, parsed; empty for anything else. Never resolves a name: only
     * text made of hex digits, dots and colons reaches the parser, and IPv4 must have four parts (the JDK would
     * otherwise read "10.0.0" as 10.0.0.0).
     */
    public static Optional<InetAddress> ipLiteral(String text) {
        if (text == null || text.isEmpty() || !text.matches("[0-9a-fA-F:.]+") || !(text.contains(".") || text.contains(":"))) {
            return Optional.empty();
        }
        if (!text.contains(":") && !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code address} (an IP literal) lies in {@code cidr} (such as 10.0.0.0/8); false for anything unparsable. */
    public static boolean inCidr(String address, String cidr) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        Optional<InetAddress> ip = ipLiteral(address);
        Optional<InetAddress> net = slash < 0 ? Optional.empty() : ipLiteral(cidr.substring(0, slash));
        if (ip.isEmpty() || net.isEmpty() || !cidr.substring(slash + 1).matches("\\d{1,3}")) {
            return false;
        }
        byte[] a = ip.get().getAddress();
        byte[] n = net.get().getAddress();
        int bits = Integer.parseInt(cidr.substring(slash + 1));
        if (a.length != n.length || bits > a.length * 8) {
            return false;
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((a[i / 8] & mask) != (n[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** A host and an optional port, as written in {@code host}, {@code host:port} or {@code [ipv6]:port}. */
    public record HostPort(String host, Integer port) {
        public int portOr(int defaultPort) {
            return port == null ? defaultPort : port;
        }
    }

    /**
     * Splits {@code host}, {@code host:port} or {@code [ipv6]} / {@code [ipv6]:port}; a bare IPv6 address (several
     * colons) is a host without port. Empty when the text is malformed or a port is not 1 to 5 digits.
     */
    public static Optional<HostPort> hostPort(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            String rest = close < 0 ? "" : text.substring(close + 1);
            if (close <= 1 || !(rest.isEmpty() || rest.matches(":\\d{1,5}"))) {
                return Optional.empty();
            }
            return Optional.of(new HostPort(text.substring(1, close), rest.isEmpty() ? null : Integer.valueOf(rest.substring(1))));
        }
        int colon = text.indexOf(':');
        if (colon < 0 || colon != text.lastIndexOf(':')) {
            return Optional.of(new HostPort(text, null));
        }
        String port = text.substring(colon + 1);
        return colon > 0 && port.matches("\\d{1,5}") ? Optional.of(new HostPort(text.substring(0, colon), Integer.valueOf(port)))
                : Optional.empty();
    }

    /** An address as it stands before {@code :port}: IPv6 in brackets. */
    public static String bracketed(String ip) {
        return ip.contains(":") ? "[" + ip + "]" : ip;
    }

    /**
     * An address literal in its one canonical text (RFC 5952: IPv6 in lower case with the longest run of two or more
     * zero groups as {@code ::}; an IPv4-mapped IPv6 address as its IPv4 address); anything else as it is. The JDK
     * prints fd00:99::250 as fd00:99:0:0:0:0:0:250, so two texts of one address must never be compared as text.
     */
    public static String canonical(String text) {
        Optional<InetAddress> literal = ipLiteral(text == null ? null : text.contains("%") ? text.substring(0, text.indexOf('%')) : text);
        if (literal.isEmpty()) {
            return text;
        }
        InetAddress address = literal.get();
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group stays "0"
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    /**
     * Whether two texts say the same thing of DNS: the same address when both are address literals (in any of their
     * forms), else the same name, ignoring case and a final dot.
     */
    public static boolean sameValue(String a, String b) {
        if (a == null || b == null) {
            return a == b;
        }
        Optional<InetAddress> x = ipLiteral(a);
        Optional<InetAddress> y = ipLiteral(b);
        if (x.isPresent() || y.isPresent()) {
            return x.isPresent() && y.isPresent() && x.get().equals(y.get());
        }
        return stripDot(a).equalsIgnoreCase(stripDot(b));
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** The in-addr.arpa / ip6.arpa name of an IP literal; empty when the text is not an IP literal. */
    public static Optional<String> ptrName(String ip) {
        Optional<InetAddress> literal = ipLiteral(ip);
        if (literal.isEmpty()) {
            return Optional.empty();
        }
        InetAddress address = literal.get();
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
