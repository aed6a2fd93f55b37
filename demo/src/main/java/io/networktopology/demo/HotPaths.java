package io.networktopology.demo;

import io.fabric8.kubernetes.api.model.Service;
import io.networktopology.api.v1alpha1.NetworkTopology;
import io.networktopology.api.v1alpha1.NetworkTopologySpec;
import io.networktopology.api.v1alpha1.NetworkTopologyStatus;
import io.networktopology.api.v1alpha1.ServiceSpec;
import io.networktopology.api.v1alpha1.ServiceType;
import io.networktopology.api.v1alpha1.ProbesSpec.ProbePath;
import io.networktopology.dns.CorefilePatch;
import io.networktopology.dns.CorefileSyntaxException;
import io.networktopology.dns.DnsEntries;
import io.networktopology.model.ServiceModel;
import io.networktopology.model.SpecProblem;
import io.networktopology.model.TopologyValidator;
import io.networktopology.probe.ProbeCheck;
import io.networktopology.probe.ProbePlan;
import io.networktopology.status.Observed;
import io.networktopology.status.ServiceObservation;
import io.networktopology.status.TopologyStatusBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * JMH microbenchmarks of the operator's hot pure code, sized as issue #15 asks: a Corefile of 1,000 lines patched with
 * 1,000 entries, a 64-service topology validated, its status built, and its probe plan made. Run them with
 * {@code java -jar demo/target/network-topology-demo.jar benchmark --jmh} (figures in docs/benchmarks.md); printed,
 * never asserted.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPaths {

    /** Services in the topology of the validation, status and probe-plan benchmarks. */
    static final int SERVICES = 64;
    /** DNS entries patched in, and server blocks in the Corefile they are patched into. */
    static final int ENTRIES = 1000;

    String corefile;
    DnsEntries entries;
    NetworkTopology topology;
    Observed observed;
    TopologyStatusBuilder statusBuilder;
    ProbePlan.Targets targets;
    Instant now;

    @Setup
    public void setUp() {
        corefile = corefile(ENTRIES);
        List<DnsEntries.Alias> aliases = new ArrayList<>();
        for (int i = 0; i < ENTRIES; i++) {
            aliases.add(new DnsEntries.Alias("app-" + i + ".shop.internal", "web-" + i + ".shop.svc.cluster.local"));
        }
        entries = new DnsEntries(aliases, List.of(), List.of());
        topology = topology(SERVICES);
        List<ServiceObservation> services = new ArrayList<>();
        Map<String, Service> actual = new HashMap<>();
        Map<String, List<String>> endpoints = new HashMap<>();
        int n = 0;
        for (var spec : topology.getSpec().getServices()) {
            Service service = ServiceModel.desiredService(spec, "bench", topology.getMetadata().getName());
            service.getSpec().setClusterIP("10.96." + (n / 250) + "." + (n % 250 + 1));
            actual.put(spec.getName(), service);
            endpoints.put(spec.getName(), List.of("10.244.1." + (n % 250 + 1), "10.244.2." + (n % 250 + 1)));
            services.add(new ServiceObservation(spec, service, null, 2));
            n++;
        }
        observed = Observed.services(services);
        statusBuilder = new TopologyStatusBuilder("cluster.local");
        targets = new ProbePlan.Targets(actual, endpoints, Map.of(), List.of(new ProbePlan.NodeTarget("node-1", "192.0.2.11", "192.0.2.11"),
                new ProbePlan.NodeTarget("node-2", "192.0.2.12", "192.0.2.12")), List.of(new ProbePlan.EchoTarget("echo-0", "node-1", "10.244.1.250"),
                new ProbePlan.EchoTarget("echo-1", "node-2", "10.244.2.250")), "10.96.9.9", 8080, List.of(), 29999, List.of(), "cluster.local",
                Map.of(), null, null, Map.of(), null);
        now = Instant.parse("2026-12-01T10:00:00Z");
    }

    /** A topology of this many services of the four selector types (ClusterIP, Headless, NodePort, LoadBalancer). */
    static NetworkTopology topology(int count) {
        ServiceType[] types = {ServiceType.ClusterIP, ServiceType.Headless, ServiceType.NodePort, ServiceType.LoadBalancer};
        List<ServiceSpec> services = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            services.add(io.networktopology.demo.Benchmark.service("svc-" + i, types[i % types.length], 80 + i % 3, 8080));
        }
        NetworkTopology topology = new NetworkTopology();
        topology.getMetadata().setName("big");
        topology.getMetadata().setNamespace("bench");
        topology.setSpec(new NetworkTopologySpec());
        topology.getSpec().setServices(services);
        return topology;
    }

    /** kubeadm's Corefile followed by server blocks until it has about this many lines. */
    static String corefile(int lines) {
        StringBuilder text = new StringBuilder(".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n"
                + "    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n"
                + "       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n"
                + "    cache 30\n    loop\n    reload\n    loadbalance\n}\n");
        for (int i = 0; text.chars().filter(c -> c == '\n').count() < lines; i++) {
            text.append("zone-").append(i).append(".example:53 {\n    errors\n    forward . 10.0.").append(i / 250).append('.').append(i % 250 + 1)
                    .append("\n    cache 30\n}\n");
        }
        return text.toString();
    }

    @Benchmark
    public String corefilePatch1000EntriesInto1000Lines() throws CorefileSyntaxException {
        return CorefilePatch.apply(corefile, entries);
    }

    @Benchmark
    public List<SpecProblem> validate64Services() {
        return TopologyValidator.validate(topology);
    }

    @Benchmark
    public NetworkTopologyStatus statusOf64Services() {
        return statusBuilder.build(topology, observed, now);
    }

    @Benchmark
    public List<ProbeCheck> probePlanOf64Services() {
        return ProbePlan.client(topology, targets, List.of(ProbePath.PodToService, ProbePath.DNS, ProbePath.PodToPod));
    }
}
