package io.networktopology.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.networktopology.api.v1alpha1.IngressPathSpec;
import io.networktopology.api.v1alpha1.IngressRuleSpec;
import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.IngressStatus;
import io.networktopology.api.v1alpha1.RouteStatus;
import io.networktopology.model.GatewayRouteModel;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.NetworkTopologyStatus;
import io.networktopology.api.v1alpha1.NodePortStatus;
import io.networktopology.api.v1alpha1.PortProtocol;
import io.networktopology.api.v1alpha1.ServicePortSpec;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceStatus;
import io.networktopology.api.v1alpha1.ServiceStatus.State;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.model.DnsNames;
import io.networktopology.model.EntryPoints;
import io.networktopology.model.Routes;
import io.networktopology.model.ServiceModel;
import io.networktopology.model.SpecProblem;
import io.networktopology.model.TrafficPath;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one place that turns observations into {@code status}: service entries, the ServicesReady condition and the
 * Ready roll-up. Pure, so that "nothing changed" always yields an equal status and nothing is written.
 */
public final class TopologyStatusBuilder {

    private final String clusterDomain;

    public TopologyStatusBuilder(String clusterDomain) {
        this.clusterDomain = clusterDomain;
    }

    /**
     * Status for a spec that cannot be applied: nothing was changed, so every observation stays as it was (the columns
     * keep what is known). Each problem is reported by the condition of the part it is in (spec.ingresses[1] under
     * IngressesReady, not ServicesReady); a part without problems keeps its condition, or, on a first apply, says it
     * waits for the others. A problem outside the parts (e.g. the name) concerns them all.
     */
    public NetworkTopologyStatus invalid(NetworkTopology topology, List<SpecProblem> problems, Instant now) {
        NetworkTopologyStatus previous = topology.getStatus();
        Long generation = topology.getMetadata().getGeneration();
        NetworkTopologyStatus status = keepingObservations(previous, generation);
        List<Condition> old = previous == null ? null : previous.getConditions();
        java.util.Map<String, String> parts = new java.util.LinkedHashMap<>();
        parts.put(Conditions.SERVICES_READY, "spec.services");
        parts.put(Conditions.INGRESSES_READY, "spec.ingresses");
        if (GatewayRouteModel.declaresRoutes(topology.getSpec()) || previous != null && previous.getRoutes() != null) {
            parts.put(Conditions.ROUTES_READY, ROUTE_FIELDS);
        }
        parts.put(Conditions.DNS_CONFIGURED, "spec.dns");
        parts.put(Conditions.CONNECTIVITY_VERIFIED, "spec.probes");
        List<SpecProblem> unplaced = problems.stream().filter(p -> parts.values().stream().noneMatch(prefix -> within(p, prefix))).toList();
        List<String> invalidParts = parts.entrySet().stream()
                .filter(e -> !unplaced.isEmpty() && !e.getKey().equals(Conditions.CONNECTIVITY_VERIFIED)
                        || problems.stream().anyMatch(p -> within(p, e.getValue())))
                .map(java.util.Map.Entry::getKey).toList();
        List<Condition> conditions = new ArrayList<>();
        parts.forEach((type, prefix) -> {
            List<SpecProblem> mine = new ArrayList<>(problems.stream().filter(p -> within(p, prefix)).toList());
            if (!type.equals(Conditions.CONNECTIVITY_VERIFIED)) {
                mine.addAll(unplaced); // what the probes found of what exists stays true whatever the name
            }
            Condition before = ConditionList.find(old, type);
            if (!mine.isEmpty()) {
                String message = mine.size() + (mine.size() == 1 ? " problem" : " problems") + " in " + prefix
                        + (unplaced.isEmpty() ? "" : " and the topology") + "; nothing was changed: "
                        + mine.stream().map(SpecProblem::toString).collect(Collectors.joining("; "));
                conditions.add(ConditionList.condition(type, false, Reasons.INVALID_SPEC, message, generation, old, now));
            } else if (before != null) {
                conditions.add(before); // what this part was is still true: nothing was changed
            } else if (!type.equals(Conditions.CONNECTIVITY_VERIFIED)) {
                conditions.add(ConditionList.condition(type, "Unknown", Reasons.INVALID_SPEC, "not applied yet: the spec has problems in "
                        + invalidParts.stream().map(parts::get).collect(Collectors.joining(", ")), generation, old, now));
            }
        });
        status.setConditions(withReady(conditions, generation, old, now));
        return status;
    }

    /** Where the routes of every kind are declared: one part of the status, RoutesReady. */
    private static final String ROUTE_FIELDS = java.util.Arrays.stream(GatewayRouteModel.Kind.values()).map(k -> "spec." + k.field)
            .collect(Collectors.joining(", "));

    /** The problem is about {@code prefixes} (one, or several joined by ", ") or a field under one. */
    private static boolean within(SpecProblem problem, String prefixes) {
        String path = problem.path() == null ? "" : problem.path();
        return java.util.Arrays.stream(prefixes.split(", "))
                .anyMatch(prefix -> path.equals(prefix) || path.startsWith(prefix + ".") || path.startsWith(prefix + "["));
    }

    /**
     * Status after a reconcile that failed talking to the API server: what was observed before stays, including the
     * observed generation (this one was not observed), and Ready says why, to be retried.
     */
    public NetworkTopologyStatus failed(NetworkTopology topology, Exception error, Instant now) {
        NetworkTopologyStatus previous = topology.getStatus() == null ? new NetworkTopologyStatus() : topology.getStatus();
        ApiRefusal refusal = ApiRefusal.of(error);
        Condition ready = ConditionList.condition(Conditions.READY, false, refusal.reason(), refusal.message(),
                topology.getMetadata().getGeneration(), previous.getConditions(), now);
        NetworkTopologyStatus status = keepingObservations(previous, previous.getObservedGeneration());
        status.setConditions(ConditionList.put(previous.getConditions(), ready));
        return status;
    }

    /** A new status with every observation of {@code previous} (services, ingresses, entry points, DNS), no conditions. */
    private static NetworkTopologyStatus keepingObservations(NetworkTopologyStatus previous, Long observedGeneration) {
        NetworkTopologyStatus status = new NetworkTopologyStatus();
        status.setObservedGeneration(observedGeneration);
        if (previous != null) {
            status.setServices(previous.getServices());
            status.setServicesReady(previous.getServicesReady());
            status.setIngresses(previous.getIngresses());
            status.setIngressesReady(previous.getIngressesReady());
            status.setRoutes(previous.getRoutes());
            status.setRoutesReady(previous.getRoutesReady());
            status.setEntryPoints(previous.getEntryPoints());
            status.setDns(previous.getDns());
            status.setConnectivity(previous.getConnectivity());
        }
        return status;
    }

    /** The status from what every step of the reconcile found. */
    public NetworkTopologyStatus build(NetworkTopology topology, Observed observed, Instant now) {
        List<ServiceObservation> observations = observed.services();
        List<IngressObservation> ingressObservations = observed.ingresses();
        DnsReport.Verdict dnsVerdict = observed.dns().verdict();
        ConnectivityReport.Verdict connectivityVerdict = observed.connectivity().verdict();
        NetworkTopologyStatus previous = topology.getStatus();
        List<Condition> old = previous == null ? null : previous.getConditions();
        Long generation = topology.getMetadata().getGeneration();
        String namespace = ServiceModel.namespaceOf(topology);

        NetworkTopologyStatus status = new NetworkTopologyStatus();
        status.setObservedGeneration(generation);
        List<ServiceStatus> services = new ArrayList<>();
        for (ServiceObservation observation : observations) {
            services.add(serviceStatus(observation, namespace));
        }
        status.setServices(services);
        long ready = services.stream().filter(s -> s.getState() == State.Ready).count();
        status.setServicesReady(ready + "/" + services.size());
        List<IngressStatus> ingresses = new ArrayList<>();
        for (IngressObservation observation : ingressObservations) {
            ingresses.add(ingressStatus(observation));
        }
        status.setIngresses(ingresses);
        long ingressesReady = ingresses.stream().filter(s -> s.getState() == IngressStatus.State.Ready).count();
        status.setIngressesReady(ingressesReady + "/" + ingresses.size());
        status.setEntryPoints(new ArrayList<>(observed.entryPoints()));
        status.setDns(observed.dns().status());
        Condition dnsCondition = dnsVerdict == null
                ? ConditionList.condition(Conditions.DNS_CONFIGURED, true, Reasons.NO_DNS_ENTRIES, "no DNS entries declared", generation, old, now)
                : ConditionList.condition(Conditions.DNS_CONFIGURED, dnsVerdict.ok(), dnsVerdict.reason(), dnsVerdict.message(), generation, old, now);
        List<Condition> parts = new ArrayList<>(List.of(servicesCondition(services, generation, old, now),
                ingressesCondition(ingresses, generation, old, now)));
        if (!observed.routes().isEmpty()) {
            List<RouteStatus> routes = observed.routes().stream().map(RouteReport::status).toList();
            status.setRoutes(routes);
            status.setRoutesReady(routes.stream().filter(r -> r.getState() == RouteStatus.State.Ready).count() + "/" + routes.size());
            parts.add(RouteReport.condition(routes, generation, old, now));
        }
        parts.add(dnsCondition);
        status.setConnectivity(observed.connectivity().status());
        if (connectivityVerdict != null) {
            parts.add(ConditionList.condition(Conditions.CONNECTIVITY_VERIFIED, connectivityVerdict.status(), connectivityVerdict.reason(),
                    connectivityVerdict.message(), generation, old, now));
        }
        List<Condition> conditions = withReady(parts, generation, old, now);
        if (observed.policy() != null) {
            // After the roll-up: informational, it does not hold Ready back.
            conditions.add(ConditionList.condition(Conditions.POLICY_FREE, observed.policy().status(), observed.policy().reason(),
                    observed.policy().message(), generation, old, now));
        }
        status.setConditions(conditions);
        return status;
    }

    private Condition ingressesCondition(List<IngressStatus> ingresses, Long generation, List<Condition> old, Instant now) {
        List<IngressStatus> rejected = ingresses.stream().filter(s -> s.getState() == IngressStatus.State.Rejected).toList();
        if (!rejected.isEmpty()) {
            return ConditionList.condition(Conditions.INGRESSES_READY, false, Reasons.INGRESS_REJECTED,
                    rejected.stream().map(s -> s.getName() + ": " + s.getMessage()).collect(Collectors.joining("; ")), generation, old, now);
        }
        List<IngressStatus> conflicts = ingresses.stream().filter(s -> s.getState() == IngressStatus.State.Conflict).toList();
        if (!conflicts.isEmpty()) {
            return ConditionList.condition(Conditions.INGRESSES_READY, false, Reasons.INGRESS_CONFLICT,
                    conflicts.stream().map(s -> s.getName() + ": " + s.getMessage()).collect(Collectors.joining("; ")),
                    generation, old, now);
        }
        List<IngressStatus> waiting = ingresses.stream().filter(s -> s.getState() != IngressStatus.State.Ready).toList();
        if (!waiting.isEmpty()) {
            return ConditionList.condition(Conditions.INGRESSES_READY, false, Reasons.AWAITING_ADDRESS,
                    waiting.stream().map(s -> s.getName() + ": " + s.getMessage()).collect(Collectors.joining("; ")),
                    generation, old, now);
        }
        String message = ingresses.isEmpty() ? "no ingresses declared"
                : ingresses.size() + (ingresses.size() == 1 ? " ingress" : " ingresses") + " in place";
        List<String> warnings = ingresses.stream().filter(s -> s.getMessage() != null)
                .map(s -> s.getName() + ": " + s.getMessage()).toList();
        if (!warnings.isEmpty()) {
            message += "; warning: " + String.join("; ", warnings);
        }
        return ConditionList.condition(Conditions.INGRESSES_READY, true, Reasons.ALL_INGRESSES_READY, message, generation, old, now);
    }

    IngressStatus ingressStatus(IngressObservation observation) {
        IngressSpec spec = observation.spec();
        Ingress actual = observation.actual();
        IngressStatus status = new IngressStatus();
        status.setName(spec.getName());
        status.setClassName(spec.getClassName());
        List<String> hosts = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        for (IngressRuleSpec rule : spec.getRules() == null ? List.<IngressRuleSpec>of() : spec.getRules()) {
            String host = rule.getHost() == null ? "*" : rule.getHost();
            if (!hosts.contains(host)) {
                hosts.add(host);
            }
            for (IngressPathSpec path : rule.getPaths() == null ? List.<IngressPathSpec>of() : rule.getPaths()) {
                urls.add(Routes.url(spec, rule.getHost(), path.effectivePath()));
            }
        }
        status.setHosts(hosts.isEmpty() ? null : hosts);
        status.setUrls(urls.isEmpty() ? null : urls);
        List<String> addresses = EntryPoints.ingressAddresses(actual);
        status.setAddresses(addresses.isEmpty() ? null : addresses);
        List<String> uncovered = Routes.uncoveredTlsHosts(spec);
        String warning = uncovered.isEmpty() ? null
                : "TLS host(s) " + String.join(", ", uncovered) + " match no rule of this ingress; their certificate is never used";
        if (observation.conflict() != null) {
            status.setState(IngressStatus.State.Conflict);
            status.setMessage(observation.conflict());
        } else if (observation.refused() != null) {
            status.setState(IngressStatus.State.Rejected);
            status.setMessage(observation.refused());
        } else if (actual == null) {
            status.setState(IngressStatus.State.Pending);
            status.setMessage("not created yet");
        } else if (addresses.isEmpty()) {
            status.setState(IngressStatus.State.AwaitingAddress);
            status.setMessage("waiting for the ingress controller" + (spec.getClassName() == null ? "" : " of class " + spec.getClassName())
                    + " to publish an address" + (warning == null ? "" : "; " + warning));
        } else {
            status.setState(IngressStatus.State.Ready);
            status.setMessage(warning);
        }
        return status;
    }

    private Condition servicesCondition(List<ServiceStatus> services, Long generation, List<Condition> old, Instant now) {
        List<ServiceStatus> rejected = services.stream().filter(s -> s.getState() == State.Rejected).toList();
        if (!rejected.isEmpty()) {
            return ConditionList.condition(Conditions.SERVICES_READY, false, Reasons.SERVICE_REJECTED, describe(rejected), generation, old, now);
        }
        List<ServiceStatus> conflicts = services.stream().filter(s -> s.getState() == State.Conflict).toList();
        if (!conflicts.isEmpty()) {
            return ConditionList.condition(Conditions.SERVICES_READY, false, Reasons.SERVICE_CONFLICT,
                    describe(conflicts), generation, old, now);
        }
        List<ServiceStatus> waiting = services.stream().filter(s -> s.getState() != State.Ready).toList();
        if (!waiting.isEmpty()) {
            return ConditionList.condition(Conditions.SERVICES_READY, false, Reasons.AWAITING_ADDRESS,
                    describe(waiting), generation, old, now);
        }
        String message;
        if (services.isEmpty()) {
            message = "no services declared";
        } else {
            message = services.size() + (services.size() == 1 ? " service" : " services") + " in place";
            List<String> empty = services.stream()
                    .filter(s -> s.getReadyEndpoints() != null && s.getReadyEndpoints() == 0)
                    .map(ServiceStatus::getName).toList();
            if (!empty.isEmpty()) {
                message += "; no ready endpoints yet for " + String.join(", ", empty);
            }
        }
        return ConditionList.condition(Conditions.SERVICES_READY, true, Reasons.ALL_SERVICES_READY, message, generation, old, now);
    }

    private static String describe(List<ServiceStatus> services) {
        return services.stream().map(s -> s.getName() + ": " + s.getMessage()).collect(Collectors.joining("; "));
    }

    /**
     * Adds the Ready roll-up in front of the part conditions: False with the first False part's reason; True otherwise
     * (Unknown, connectivity not probed yet, does not hold Ready back), as AllPathsVerified once the probes found
     * every path working.
     */
    static List<Condition> withReady(List<Condition> parts, Long generation, List<Condition> old, Instant now) {
        Optional<Condition> failing = parts.stream().filter(c -> "False".equals(c.getStatus())).findFirst();
        Condition connectivity = parts.stream().filter(c -> Conditions.CONNECTIVITY_VERIFIED.equals(c.getType())).findFirst().orElse(null);
        String verdict = connectivity == null ? null : connectivity.getReason();
        Condition ready = failing
                .map(c -> ConditionList.condition(Conditions.READY, false, c.getReason(), c.getType() + ": " + c.getMessage(), generation, old, now))
                .orElseGet(() -> Reasons.ALL_PATHS_VERIFIED.equals(verdict)
                        ? ConditionList.condition(Conditions.READY, true, Reasons.ALL_PATHS_VERIFIED,
                                "everything the topology declares is in place, and the probes found every path working", generation, old, now)
                        : Reasons.VERIFIED_WITH_GAPS.equals(verdict)
                        ? ConditionList.condition(Conditions.READY, true, Reasons.VERIFIED_WITH_GAPS,
                                "everything the topology declares is in place, and every path the probes could check works; "
                                        + connectivity.getMessage(), generation, old, now)
                        : ConditionList.condition(Conditions.READY, true, Reasons.TOPOLOGY_READY, "everything the topology declares is in place"
                                + ("Unknown".equals(connectivity == null ? null : connectivity.getStatus())
                                ? "; connectivity not verified yet: " + connectivity.getMessage() : ""), generation, old, now));
        List<Condition> all = new ArrayList<>();
        all.add(ready);
        all.addAll(parts);
        return all;
    }

    ServiceStatus serviceStatus(ServiceObservation observation, String namespace) {
        ServiceSpec spec = observation.spec();
        Service actual = observation.conflict() == null ? observation.actual() : null;
        ServiceType type = spec.effectiveType();
        String fqdn = DnsNames.serviceFqdn(spec.getName(), namespace, clusterDomain);

        ServiceStatus status = new ServiceStatus();
        status.setName(spec.getName());
        status.setType(type);
        status.setFqdn(fqdn);
        if (type == ServiceType.ExternalName) {
            status.setExternalName(spec.getExternalName());
        } else {
            List<String> srv = new ArrayList<>();
            for (ServicePortSpec port : spec.getPorts() == null ? List.<ServicePortSpec>of() : spec.getPorts()) {
                if (port.getName() != null) {
                    srv.add(DnsNames.srvName(port.getName(), ServiceModel.effectiveProtocol(port).name(), fqdn));
                }
            }
            status.setSrvNames(srv.isEmpty() ? null : srv);
        }
        List<String> clusterIps = clusterIps(actual);
        status.setClusterIPs(clusterIps.isEmpty() ? null : clusterIps);
        List<String> ptrs = clusterIps.stream().map(DnsNames::ptrName).flatMap(Optional::stream).toList();
        status.setPtrNames(ptrs.isEmpty() ? null : ptrs);
        if (type.exposesNodePorts() && actual != null && actual.getSpec() != null && actual.getSpec().getPorts() != null) {
            List<NodePortStatus> nodePorts = new ArrayList<>();
            for (ServicePort port : actual.getSpec().getPorts()) {
                if (port.getNodePort() != null) {
                    nodePorts.add(new NodePortStatus(port.getName(), port.getPort(),
                            PortProtocol.valueOf(port.getProtocol() == null ? "TCP" : port.getProtocol()), port.getNodePort()));
                }
            }
            status.setNodePorts(nodePorts.isEmpty() ? null : nodePorts);
        }
        List<String> lb = TrafficPath.loadBalancerAddresses(actual);
        status.setLoadBalancerAddresses(lb.isEmpty() ? null : lb);
        boolean selectorBased = type != ServiceType.ExternalName && spec.getSelector() != null && !spec.getSelector().isEmpty();
        if (selectorBased && actual != null) {
            status.setReadyEndpoints(observation.readyEndpoints() == null ? 0 : observation.readyEndpoints());
        }
        status.setPath(TrafficPath.describe(spec, actual, fqdn));

        if (observation.conflict() != null) {
            status.setState(State.Conflict);
            status.setMessage(observation.conflict());
        } else if (observation.refused() != null) {
            status.setState(State.Rejected);
            status.setMessage(observation.refused());
        } else if (actual == null) {
            status.setState(State.Pending);
            status.setMessage("not created yet");
        } else if (type == ServiceType.LoadBalancer && lb.isEmpty()) {
            status.setState(State.AwaitingAddress);
            status.setMessage("waiting for a load balancer controller to assign an address"
                    + (spec.getLoadBalancerClass() != null ? " (class " + spec.getLoadBalancerClass() + ")" : ""));
        } else {
            status.setState(State.Ready);
            if (status.getReadyEndpoints() != null && status.getReadyEndpoints() == 0) {
                status.setMessage("no ready endpoints: no ready pod matches the selector");
            }
        }
        return status;
    }

    private static List<String> clusterIps(Service actual) {
        if (actual == null || actual.getSpec() == null) {
            return List.of();
        }
        List<String> ips = actual.getSpec().getClusterIPs() != null && !actual.getSpec().getClusterIPs().isEmpty()
                ? actual.getSpec().getClusterIPs()
                : (actual.getSpec().getClusterIP() == null ? List.of() : List.of(actual.getSpec().getClusterIP()));
        return ips.stream().filter(ip -> ip != null && !ip.isEmpty() && !"None".equals(ip)).toList();
    }
}
