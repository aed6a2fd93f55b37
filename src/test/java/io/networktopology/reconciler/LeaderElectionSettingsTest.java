package io.networktopology.reconciler;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.networktopology.config.OperatorConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Lease timings come from the configuration (for busy API servers), and a contradictory set is refused at start. */
class LeaderElectionSettingsTest {

    static LeaderElectionConfiguration configure(Map<String, String> properties) {
        LeaderElection election = new LeaderElection();
        election.config = OperatorConfig.read(properties, false);
        return election.configuration();
    }

    @Test
    void timingsAreConfigurableAndCheckedAgainstEachOther() {
        assertThat(configure(Map.of())).as("off by default").isNull();
        LeaderElectionConfiguration defaults = configure(Map.of("networktopology.leader-election.enabled", "true"));
        assertThat(defaults.getLeaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(defaults.getRenewDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.getRetryPeriod()).isEqualTo(Duration.ofSeconds(2));
        LeaderElectionConfiguration busy = configure(Map.of("networktopology.leader-election.enabled", "true",
                "networktopology.leader-election.lease-duration", "60s", "networktopology.leader-election.renew-deadline", "40s",
                "networktopology.leader-election.retry-period", "5s"));
        assertThat(busy.getLeaseDuration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(busy.getRenewDeadline()).isEqualTo(Duration.ofSeconds(40));
        assertThat(busy.getRetryPeriod()).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> configure(Map.of("networktopology.leader-election.enabled", "true",
                "networktopology.leader-election.renew-deadline", "20s")))
                .hasMessage("networktopology.leader-election: need retry-period (PT2S) < renew-deadline (PT20S) < lease-duration (PT15S)");
    }
}
