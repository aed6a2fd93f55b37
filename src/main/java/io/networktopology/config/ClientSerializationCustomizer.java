package io.networktopology.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;

/** The operator's Kubernetes client reads and writes metadata as {@link ClientSerialization} says. */
@Singleton
public class ClientSerializationCustomizer implements KubernetesClientObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        ClientSerialization.customize(mapper);
    }
}
