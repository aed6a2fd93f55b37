package io.networktopology.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One declared piece of cluster networking: the services (and later ingresses, DNS, probes) of a namespace. */
@Group(NetworkTopology.GROUP)
@Version(NetworkTopology.VERSION)
@Plural("networktopologies")
@ShortNames("ntopo")
// kubectl shows the columns in this order: NAME SERVICES INGRESSES CONNECTIVITY READY REASON AGE (-o wide: + DNS, ROUTES,
// LAST PROBE). The CRD generator sorts them by jsonPath; CrdDriftTest puts the committed CRD's back in this order.
@AdditionalPrinterColumn(name = "Services", jsonPath = ".status.servicesReady", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ingresses", jsonPath = ".status.ingressesReady", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Connectivity", jsonPath = ".status.connectivity.summary", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "DNS", jsonPath = ".status.conditions[?(@.type==\"DnsConfigured\")].reason", type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(name = "Routes", jsonPath = ".status.routesReady", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Last Probe", jsonPath = ".status.connectivity.lastRun", type = AdditionalPrinterColumn.Type.DATE, priority = 1)
// Every child carries the topology's name in a label value, which Kubernetes limits to 63 characters: refuse longer
// names at admission instead of failing every create afterwards.
@ValidationRule(value = "size(self.metadata.name) <= 63", message = "metadata.name must be at most 63 characters: it is the value of the"
        + " networktopology.io/topology label on every Service and Ingress the topology creates", reason = "FieldValueInvalid")
public class NetworkTopology extends CustomResource<NetworkTopologySpec, NetworkTopologyStatus> implements Namespaced {

    public static final String GROUP = "networktopology.io";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    public static final String KIND = "NetworkTopology";
}
