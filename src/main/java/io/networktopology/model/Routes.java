package io.networktopology.model;

import io.networktopology.api.v1alpha1.IngressPathSpec;
import io.networktopology.api.v1alpha1.IngressRuleSpec;
import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.IngressTLSSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The host+path routes a topology's ingresses claim, and which hosts their TLS entries cover. */
public final class Routes {

    /** One routed host and path; an empty host means "every host". */
    public record Route(String host, String path, String ingress) {
        public String key() {
            return (host == null ? "" : host) + path;
        }

        @Override
        public String toString() {
            return (host == null ? "*" : host) + path;
        }
    }

    private Routes() {
    }

    public static List<Route> of(IngressSpec ingress) {
        List<Route> routes = new ArrayList<>();
        for (IngressRuleSpec rule : ingress.getRules() == null ? List.<IngressRuleSpec>of() : ingress.getRules()) {
            for (IngressPathSpec path : rule.getPaths() == null ? List.<IngressPathSpec>of() : rule.getPaths()) {
                routes.add(new Route(rule.getHost(), path.effectivePath(), ingress.getName()));
            }
        }
        return routes;
    }

    /** Every route of every ingress of the topology, by key; the first claim wins. */
    public static Map<String, Route> of(NetworkTopology topology) {
        Map<String, Route> routes = new LinkedHashMap<>();
        if (topology.getSpec() == null || topology.getSpec().getIngresses() == null) {
            return routes;
        }
        for (IngressSpec ingress : topology.getSpec().getIngresses()) {
            if (ingress != null) {
                of(ingress).forEach(r -> routes.putIfAbsent(r.key(), r));
            }
        }
        return routes;
    }

    /** Whether a TLS host entry covers a rule host: equal, or a wildcard covering its one leftmost label. */
    public static boolean covers(String tlsHost, String ruleHost) {
        if (tlsHost == null || ruleHost == null) {
            return false;
        }
        if (tlsHost.equals(ruleHost)) {
            return true;
        }
        if (tlsHost.startsWith("*.") && !ruleHost.startsWith("*.")) {
            int dot = ruleHost.indexOf('.');
            return dot > 0 && ruleHost.substring(dot).equals(tlsHost.substring(1));
        }
        return false;
    }

    public static boolean tlsCovers(IngressSpec ingress, String ruleHost) {
        for (IngressTLSSpec tls : ingress.getTls() == null ? List.<IngressTLSSpec>of() : ingress.getTls()) {
            for (String host : tls.getHosts() == null ? List.<String>of() : tls.getHosts()) {
                if (covers(host, ruleHost)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** TLS hosts that no rule of the ingress serves: a warning, since the certificate is then never used. */
    public static List<String> uncoveredTlsHosts(IngressSpec ingress) {
        List<String> uncovered = new ArrayList<>();
        List<String> ruleHosts = new ArrayList<>();
        for (IngressRuleSpec rule : ingress.getRules() == null ? List.<IngressRuleSpec>of() : ingress.getRules()) {
            ruleHosts.add(rule.getHost());
        }
        for (IngressTLSSpec tls : ingress.getTls() == null ? List.<IngressTLSSpec>of() : ingress.getTls()) {
            for (String host : tls.getHosts() == null ? List.<String>of() : tls.getHosts()) {
                if (ruleHosts.stream().noneMatch(r -> covers(host, r))) {
                    uncovered.add(host);
                }
            }
        }
        return uncovered;
    }

    /** The URL a rule path is served at. */
    public static String url(IngressSpec ingress, String host, String path) {
        String scheme = tlsCovers(ingress, host) ? "https" : "http";
        return scheme + "://" + (host == null ? "*" : host) + path;
    }
}
