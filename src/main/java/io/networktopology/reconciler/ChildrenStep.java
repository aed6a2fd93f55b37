package io.networktopology.reconciler;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.networktopology.api.v1alpha1.EntryPoint;
import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.NetworkTopologySpec;
import io.networktopology.api.v1alpha1.RouteParentRef;
import io.networktopology.api.v1alpha1.RouteSpec;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.dependent.EndpointSliceObserver;
import io.networktopology.dependent.GatewayApi;
import io.networktopology.dependent.GatewayClasses;
import io.networktopology.dependent.NodeAddresses;
import io.networktopology.dependent.OwnedChildren;
import io.networktopology.dependent.ServicesDependent;
import io.networktopology.model.ChildLabels;
import io.networktopology.model.EntryPoints;
import io.networktopology.model.GatewayFeatures;
import io.networktopology.model.GatewayListeners;
import io.networktopology.model.GatewayRouteModel.Kind;
import io.networktopology.model.GatewayRouteModel;
import io.networktopology.model.IngressModel;
import io.networktopology.model.RouteOwnership;
import io.networktopology.model.ServiceModel;
import io.networktopology.status.ApiRefusal;
import io.networktopology.status.IngressObservation;
import io.networktopology.status.RouteObservation;
import io.networktopology.status.ServiceObservation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The first step of a reconcile: the topology's Services and Ingresses applied (never a foreign one, never a route
 * another topology owns), what they are now, and the entry points they make.
 */
final class ChildrenStep {

    /**
     * @param unsettled a foreign object, another topology's route or a child being recreated: nothing notifies the
     *     operator when that ends, so it looks again later
     */
    record Result(Map<String, Service> services, Map<String, Ingress> ingresses, List<ServiceObservation> serviceObservations,
            List<IngressObservation> ingressObservations, List<RouteObservation> routeObservations, List<EntryPoint> entryPoints,
            boolean unsettled, int writes, Map<String, List<GatewayListeners.Listener>> routeListeners) {
    }

    /** The Gateway API routes' part of a reconcile. */
    private record RoutesOutcome(List<RouteObservation> observations, boolean unsettled, int writes,
            Map<String, List<GatewayListeners.Listener>> listeners) {
        static final RoutesOutcome NONE = new RoutesOutcome(List.of(), false, 0, Map.of());
    }

    private final OwnedChildren<Service> services = new OwnedChildren<>(Service.class, ServicesDependent::needsRecreate,
            ServicesDependent::collidingPorts);
    private final OwnedChildren<Ingress> ingresses = new OwnedChildren<>(Ingress.class, (desired, actual) -> false);
    private final GatewayApi gatewayApi = new GatewayApi();
    private final GatewayClasses gatewayClasses = new GatewayClasses();
    /** The route kinds whose informer is registered (once the cluster serves them). */
    private final Set<Kind> watched = java.util.EnumSet.noneOf(Kind.class);
    /** The Gateways' informer, once registered (guarded by {@link #watched}). */
    private InformerEventSource<GenericKubernetesResource, NetworkTopology> gatewayInformer;

    /** Wakes the topologies that wait for a Gateway API kind the cluster did not serve. */
    io.javaoperatorsdk.operator.processing.event.source.EventSource<Void, NetworkTopology> eventSource() {
        return gatewayApi.wakeSource();
    }

    Result reconcile(NetworkTopology topology, Context<NetworkTopology> context) {
        // One Event per kind of change, naming every child it touched: an Event per Service made creating a topology of
        // five Services cost five more requests than it writes.
        Map<String, List<String>> changed = new LinkedHashMap<>();
        OwnedChildren.Changes changes = (verb, what) -> changed.computeIfAbsent(verb, v -> new ArrayList<>()).add(what);
        OwnedChildren.Outcome<Service> serviceOutcome;
        OwnedChildren.Outcome<Ingress> ingressOutcome;
        RoutesOutcome routeOutcome;
        Map<String, String> routeConflicts;
        try {
            serviceOutcome = services.reconcile(topology, ServiceModel.desiredServices(topology), Set.of(), context, changes);
            routeConflicts = RouteOwnership.conflicts(topology, context.getPrimaryCache().list(topology.getMetadata().getNamespace()).toList());
            ingressOutcome = ingresses.reconcile(topology, IngressModel.desiredIngresses(topology), routeConflicts.keySet(), context,
                    changes);
            routeOutcome = routes(topology, context, changes);
        } finally {
            // Also when the Ingresses fail (an admission webhook refusing one): the Services changed all the same.
            changed.forEach((verb, what) -> TopologyEvents.record(context.getClient(), topology, TopologyEvents.NORMAL, verb,
                    verb + " " + String.join(", ", what)));
        }

        Map<String, Integer> endpoints = EndpointSliceObserver.readyEndpoints(context);
        List<ServiceObservation> serviceObservations = new ArrayList<>();
        for (ServiceSpec spec : orEmpty(topology.getSpec().getServices())) {
            String name = spec.getName();
            serviceObservations.add(new ServiceObservation(spec, serviceOutcome.current().get(name), serviceOutcome.conflicts().get(name),
                    endpoints.get(name), refusal(serviceOutcome.refused().get(name), serviceOutcome.current().containsKey(name))));
        }
        List<IngressObservation> ingressObservations = new ArrayList<>();
        for (IngressSpec spec : orEmpty(topology.getSpec().getIngresses())) {
            String name = spec.getName();
            ingressObservations.add(new IngressObservation(spec, ingressOutcome.current().get(name),
                    ingressOutcome.conflicts().getOrDefault(name, routeConflicts.get(name)), refusal(ingressOutcome.refused().get(name),
                    ingressOutcome.current().containsKey(name))));
        }
        List<EntryPoint> entryPoints = EntryPoints.of(topology.getSpec(), serviceOutcome.current(), ingressOutcome.current(),
                NodeAddresses.of(context));
        entryPoints.addAll(EntryPoints.ofRoutes(topology.getSpec(), routeOutcome.listeners()));
        boolean unsettled = !serviceOutcome.conflicts().isEmpty() || !serviceOutcome.pending().isEmpty()
                || !ingressOutcome.conflicts().isEmpty() || !ingressOutcome.pending().isEmpty() || !routeConflicts.isEmpty()
                || !serviceOutcome.refused().isEmpty() || !ingressOutcome.refused().isEmpty();
        return new Result(serviceOutcome.current(), ingressOutcome.current(), serviceObservations, ingressObservations,
                routeOutcome.observations(), entryPoints, unsettled || routeOutcome.unsettled(),
                serviceOutcome.writes() + ingressOutcome.writes() + routeOutcome.writes(), routeOutcome.listeners());
    }

    /**
     * The Gateway API routes, kind by kind as the cluster serves them: written like the other children (and the stale
     * ones of every served kind deleted); a declared kind the cluster does not serve is reported, and the topology is
     * woken when the cluster serves it ({@link GatewayApi#waitFor}).
     */
    private RoutesOutcome routes(NetworkTopology topology, Context<NetworkTopology> context, OwnedChildren.Changes changes) {
        NetworkTopologySpec spec = topology.getSpec();
        Set<Kind> declared = java.util.EnumSet.noneOf(Kind.class);
        for (Kind kind : Kind.values()) {
            if (kind.declared(spec) > 0) {
                declared.add(kind);
            }
        }
        GatewayApi.Served served = gatewayApi.served(context.getClient());
        ResourceID id = ResourceID.fromResource(topology);
        if (declared.stream().allMatch(served::serves)) {
            gatewayApi.satisfied(id);
        } else {
            gatewayApi.waitFor(id, context.getClient()); // woken when the kind appears: no recheck meanwhile
        }
        if (declared.isEmpty() && served.apiVersions().isEmpty()) {
            return RoutesOutcome.NONE;
        }
        String namespace = ServiceModel.namespaceOf(topology);
        // What an older topology's route already claims on the same Gateway is not written (Gateways are shared by namespaces).
        Map<String, String> conflicts = declared.isEmpty() ? Map.of()
                : RouteOwnership.routeConflicts(topology, context.getPrimaryCache().list().toList());
        Map<String, String> unsupported = new LinkedHashMap<>();
        Map<String, List<GatewayListeners.Listener>> listeners = new LinkedHashMap<>(listeners(topology, served, context, unsupported));
        List<RouteObservation> observations = new ArrayList<>();
        Set<String> unwritten = new java.util.HashSet<>();
        boolean unsettled = !conflicts.isEmpty();
        int writes = 0;
        for (Kind kind : Kind.values()) {
            List<? extends RouteSpec> routes = kind.routes(spec);
            if (!served.serves(kind)) {
                for (RouteSpec route : routes) {
                    unwritten.add(kind.key(route.getName()));
                    observations.add(new RouteObservation(kind, route.getName(), GatewayRouteModel.gateways(route.getParentRefs(), namespace), null,
                            null, null, GatewayApi.notInstalled(kind)));
                }
                continue;
            }
            String apiVersion = served.apiVersion(kind);
            watch(kind, apiVersion, context);
            Set<String> frozen = routes.stream().map(RouteSpec::getName).filter(n -> conflicts.containsKey(kind.key(n)))
                    .collect(java.util.stream.Collectors.toSet());
            OwnedChildren.Outcome<GenericKubernetesResource> outcome = OwnedChildren.generic(apiVersion, kind.name(), kind.plural)
                    .reconcile(topology, GatewayRouteModel.desiredRoutes(topology, kind, apiVersion), frozen, context, changes);
            writes += outcome.writes();
            unsettled |= !outcome.conflicts().isEmpty() || !outcome.pending().isEmpty() || !outcome.refused().isEmpty();
            for (RouteSpec route : routes) {
                String name = route.getName();
                if (!outcome.current().containsKey(name) || outcome.conflicts().containsKey(name) || conflicts.containsKey(kind.key(name))) {
                    // Not there, not ours, or another topology's answers there: nothing of this topology's to prove.
                    unwritten.add(kind.key(name));
                }
                observations.add(new RouteObservation(kind, name, GatewayRouteModel.gateways(route.getParentRefs(), namespace),
                        outcome.current().get(name), outcome.conflicts().getOrDefault(name, conflicts.get(kind.key(name))),
                        refusal(outcome.refused().get(name), outcome.current().containsKey(name)), null, unsupported.get(kind.key(name))));
            }
        }
        unwritten.forEach(listeners::remove);
        return new RoutesOutcome(observations, unsettled, writes, listeners);
    }

    /**
     * Per declared route ({@code Kind/name}), the listeners of its Gateways it attaches to, from the Gateways' informer
     * (registered the first time a topology with routes meets a cluster that serves Gateways). A Gateway the operator
     * cannot see (another namespace, with the operator watching its own) gives none: its routes are not probed, and
     * status says so.
     */
    private Map<String, List<GatewayListeners.Listener>> listeners(NetworkTopology topology, GatewayApi.Served served,
            Context<NetworkTopology> context, Map<String, String> unsupported) {
        if (served.gateways() == null || !GatewayRouteModel.declaresRoutes(topology.getSpec())) {
            return Map.of();
        }
        InformerEventSource<GenericKubernetesResource, NetworkTopology> gateways = watchGateways(served.gateways(), context);
        String namespace = ServiceModel.namespaceOf(topology);
        Map<String, List<GatewayListeners.Listener>> listeners = new LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
            for (RouteSpec route : kind.routes(topology.getSpec())) {
                List<GatewayListeners.Listener> attached = new ArrayList<>();
                Map<String, Set<String>> missing = new java.util.TreeMap<>();
                Set<String> used = GatewayFeatures.used(kind, route);
                for (RouteParentRef ref : orEmpty(route.getParentRefs())) {
                    GenericKubernetesResource gateway = gateways.get(new ResourceID(ref.getName(),
                            ref.getNamespace() == null ? namespace : ref.getNamespace())).orElse(null);
                    GatewayListeners.attached(kind, ref, GatewayListeners.of(gateway), namespace).stream()
                            .filter(l -> !attached.contains(l)).forEach(attached::add);
                    String className = GatewayListeners.className(gateway);
                    GatewayFeatures.missing(used, gatewayClasses.supportedFeatures(context.getClient(),
                            served.gateways(), className)).forEach(f -> missing.computeIfAbsent(className, c -> new java.util.TreeSet<>()).add(f));
                }
                listeners.put(kind.key(route.getName()), attached);
                if (!missing.isEmpty()) {
                    unsupported.put(kind.key(route.getName()), missing.entrySet().stream().map(m -> "GatewayClass " + m.getKey()
                            + " does not list " + String.join(", ", m.getValue()) + " in its supportedFeatures").collect(java.util.stream.Collectors.joining("; "))
                            + ": its Gateway accepted the route but may ignore what it asks");
                }
            }
        }
        return listeners;
    }

    /** The Gateways' informer: each Gateway mapped to the topologies whose routes name it. Registered once. */
    private InformerEventSource<GenericKubernetesResource, NetworkTopology> watchGateways(String apiVersion, Context<NetworkTopology> context) {
        synchronized (watched) {
            if (gatewayInformer == null) {
                var primaries = context.getPrimaryCache();
                var sources = context.eventSourceRetriever();
                InformerEventSource<GenericKubernetesResource, NetworkTopology> informer = new InformerEventSource<>(
                        InformerEventSourceConfiguration.from(new GroupVersionKind(apiVersion, "Gateway"), NetworkTopology.class)
                                .withName("gateways")
                                .withSecondaryToPrimaryMapper(gateway -> primaries.list()
                                        .filter(t -> GatewayRouteModel.namesGateway(t, gateway.getMetadata().getNamespace(), gateway.getMetadata().getName()))
                                        .map(ResourceID::fromResource).collect(java.util.stream.Collectors.toSet()))
                                .build(), sources.eventSourceContextForDynamicRegistration());
                // The source registered, which is an earlier one when an earlier start failed (e.g. forbidden before the RBAC was applied).
                @SuppressWarnings("unchecked")
                InformerEventSource<GenericKubernetesResource, NetworkTopology> registered =
                        (InformerEventSource<GenericKubernetesResource, NetworkTopology>) sources.dynamicallyRegisterEventSource(informer);
                gatewayInformer = registered;
            }
            return gatewayInformer;
        }
    }

    /** Registers the informer of a route kind the first time the cluster is found to serve it. */
    private void watch(Kind kind, String apiVersion, Context<NetworkTopology> context) {
        synchronized (watched) {
            if (watched.contains(kind)) {
                return;
            }
            var sources = context.eventSourceRetriever();
            sources.dynamicallyRegisterEventSource(ChildLabels.informer(new GroupVersionKind(apiVersion, kind.name()), kind.plural,
                    sources.eventSourceContextForDynamicRegistration()));
            watched.add(kind);
        }
    }

    /** A refused write in words; tried again at the next change and every minute (a taken nodePort may be freed any time). */
    private static String refusal(io.fabric8.kubernetes.client.KubernetesClientException refused, boolean exists) {
        return refused == null ? null : (exists ? "" : "not created: ") + "refused by the API server: " + ApiRefusal.why(refused)
                + (exists ? "; what exists stays as it was" : "") + "; tried again at every change and every minute";
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
