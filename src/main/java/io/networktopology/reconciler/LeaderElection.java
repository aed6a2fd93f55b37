package io.networktopology.reconciler;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.context.Dependent;
import io.networktopology.config.OperatorConfig;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Leader election for running several replicas: only the holder of the Lease reconciles; the others wait, and one
 * takes over when the leader stops renewing. On when {@code networktopology.leader-election.enabled=true} (the HA
 * overlay sets it); the Lease lives in the operator's own namespace.
 */
@ApplicationScoped
public class LeaderElection {

    public static final String LEASE_NAME = "network-topology-operator-lease";

    @Inject
    OperatorConfig config;

    /**
     * The Quarkus Operator SDK looks this bean up directly and turns leader election on whenever it gets one, so
     * when it is off the producer gives null (allowed for a dependent bean).
     */
    @Produces
    @Dependent
    LeaderElectionConfiguration configuration() {
        if (!config.leaderElection().enabled()) {
            return null;
        }
        // A replica that loses the lease (it could not renew it in time, say the API server was away) exits, and its pod
        // restarts and joins the election again, as Kubernetes' own controllers do. Not exiting left it running without
        // ever competing again (JOSDK only logs "Stopped leading, configured not to exit"), found by ReliabilityTest.
        OperatorConfig.LeaderElection election = config.leaderElection();
        if (election.renewDeadline().compareTo(election.leaseDuration()) >= 0 || election.retryPeriod().compareTo(election.renewDeadline()) >= 0) {
            throw new IllegalArgumentException("networktopology.leader-election: need retry-period (" + election.retryPeriod() + ") < renew-deadline ("
                    + election.renewDeadline() + ") < lease-duration (" + election.leaseDuration() + ")");
        }
        return new LeaderElectionConfiguration(LEASE_NAME, election.namespace().orElse(System.getenv().getOrDefault("POD_NAMESPACE", "network-topology-system")),
                election.leaseDuration(), election.renewDeadline(), election.retryPeriod(), identity(), null, true);
    }

    /** A lease in the namespace that never exits the JVM on losing it: for several instances in one JVM (tests). */
    public static LeaderElectionConfiguration configuration(String namespace, String identity, Duration lease, Duration renew,
            Duration retry) {
        return new LeaderElectionConfiguration(LEASE_NAME, namespace, lease, renew, retry, identity, null, false);
    }

    static String identity() {
        String pod = System.getenv("POD_NAME");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "network-topology-operator-" + ProcessHandle.current().pid();
        }
    }
}
