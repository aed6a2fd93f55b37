package io.networktopology.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.networktopology.api.ContentEquality;
import lombok.Getter;
import lombok.Setter;

/** A node port as the API server allocated it for one service port. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class NodePortStatus extends ContentEquality {

    @JsonPropertyDescription("Name of the service port; absent for an unnamed port.")
    private String name;
    @JsonPropertyDescription("The service port this node port leads to.")
    private Integer port;
    @JsonPropertyDescription("TCP, UDP or SCTP.")
    private PortProtocol protocol;
    @JsonPropertyDescription("The port opened on every node for this service port: the nodePort fixed in the spec, or the one the API server allocated (by default from 30000-32767).")
    private Integer nodePort;

    public NodePortStatus() {
    }

    public NodePortStatus(String name, Integer port, PortProtocol protocol, Integer nodePort) {
        this.name = name;
        this.port = port;
        this.protocol = protocol;
        this.nodePort = nodePort;
    }
}
