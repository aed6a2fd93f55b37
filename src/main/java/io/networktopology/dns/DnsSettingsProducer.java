package io.networktopology.dns;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import io.networktopology.config.OperatorConfig;

/** The DNS settings from the operator's configuration. */
@ApplicationScoped
public class DnsSettingsProducer {

    @Inject
    OperatorConfig config;

    @Produces
    @Singleton
    DnsSettings settings() {
        return DnsSettings.from(config);
    }
}
