package io.networktopology.dns;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

/** The DNS settings from the operator's configuration (application.properties, env vars, system properties). */
@ApplicationScoped
public class DnsSettingsProducer {

    @Inject
    Config config;

    @Produces
    @Singleton
    DnsSettings settings() {
        return DnsSettings.from(config);
    }
}
