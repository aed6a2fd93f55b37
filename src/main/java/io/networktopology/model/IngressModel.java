package io.networktopology.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackendBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpecBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPortBuilder;
import io.networktopology.api.v1alpha1.IngressBackendSpec;
import io.networktopology.api.v1alpha1.IngressPathSpec;
import io.networktopology.api.v1alpha1.IngressRuleSpec;
import io.networktopology.api.v1alpha1.IngressSpec;
import io.networktopology.api.v1alpha1.IngressTLSSpec;
import io.networktopology.api.v1alpha1.NetworkTopology;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the declared ingresses of a topology into networking.k8s.io/v1 Ingresses. Pure, like {@link ServiceModel}:
 * backends name the topology's Services, which carry the same names as in the spec.
 */
public final class IngressModel {

    private IngressModel() {
    }

    public static List<Ingress> desiredIngresses(NetworkTopology topology) {
        List<Ingress> ingresses = new ArrayList<>();
        if (topology.getSpec() == null || topology.getSpec().getIngresses() == null) {
            return ingresses;
        }
        for (IngressSpec spec : topology.getSpec().getIngresses()) {
            ingresses.add(desiredIngress(spec, ServiceModel.namespaceOf(topology), topology.getMetadata().getName()));
        }
        return ingresses;
    }

    public static Ingress desiredIngress(IngressSpec spec, String namespace, String topologyName) {
        IngressSpecBuilder ingress = new IngressSpecBuilder().withIngressClassName(spec.getClassName());
        if (spec.getDefaultBackend() != null) {
            ingress.withDefaultBackend(backend(spec.getDefaultBackend()));
        }
        if (spec.getTls() != null) {
            List<IngressTLS> tls = new ArrayList<>();
            for (IngressTLSSpec t : spec.getTls()) {
                tls.add(new IngressTLSBuilder().withHosts(t.getHosts() == null ? null : new ArrayList<>(t.getHosts()))
                        .withSecretName(t.getSecretName()).build());
            }
            ingress.withTls(tls);
        }
        if (spec.getRules() != null) {
            List<IngressRule> rules = new ArrayList<>();
            for (IngressRuleSpec rule : spec.getRules()) {
                List<HTTPIngressPath> paths = new ArrayList<>();
                for (IngressPathSpec path : rule.getPaths() == null ? List.<IngressPathSpec>of() : rule.getPaths()) {
                    paths.add(new HTTPIngressPathBuilder()
                            .withPath(path.effectivePath())
                            .withPathType(path.effectivePathType().name())
                            .withBackend(backend(path.backend()))
                            .build());
                }
                rules.add(new IngressRuleBuilder().withHost(rule.getHost()).withNewHttp().withPaths(paths).endHttp().build());
            }
            ingress.withRules(rules);
        }
        return new IngressBuilder()
                .withMetadata(ChildLabels.metadata(spec.getName(), namespace, topologyName, spec.getLabels(), spec.getAnnotations()))
                .withSpec(ingress.build())
                .build();
    }

    static IngressBackend backend(IngressBackendSpec spec) {
        IntOrString port = spec.getPort();
        ServiceBackendPortBuilder servicePort = new ServiceBackendPortBuilder();
        if (port != null && port.getIntVal() != null) {
            servicePort.withNumber(port.getIntVal());
        } else if (port != null) {
            servicePort.withName(port.getStrVal());
        }
        return new IngressBackendBuilder().withNewService().withName(spec.getService()).withPort(servicePort.build())
                .endService().build();
    }
}
