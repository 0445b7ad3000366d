package io.conveyor.descriptor;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The descriptor's {@code isolation}: its defaults, the one contradiction a schema cannot see (ports
 * without networking), and a warning for each choice that gives the container more than its own job.
 */
final class IsolationChecks {

    private IsolationChecks() {
    }

    /**
     * @param node     the schema-valid {@code isolation} object, or a missing node
     * @param hasPorts whether the descriptor lists ports (they need networking)
     */
    static Descriptor.Isolation check(JsonNode node, boolean hasPorts, List<Problem> errors, List<Problem> warnings) {
        boolean runAsRoot = node.path("runAsRoot").asBoolean(false);
        boolean readOnly = node.path("readOnlyRootFilesystem").asBoolean(false);
        boolean network = node.path("network").asBoolean(hasPorts);
        if (hasPorts && !network) {
            errors.add(new Problem("/isolation/network", "is false but /ports lists ports: a container without "
                    + "networking listens on none; drop the ports or set network to true"));
        }
        if (runAsRoot) {
            warnings.add(new Problem("/isolation/runAsRoot", "runs the algorithm as its image's user, often root, "
                    + "instead of 1000:1000; leave it out unless the image cannot run otherwise"));
        }
        if (network) {
            String path = node.has("network") ? "/isolation/network" : "/ports";
            warnings.add(new Problem(path, "gives the algorithm's container networking, and with it the task role's "
                    + "credentials: it can read every input and write every output of this stack, and send data "
                    + "anywhere; leave networking off unless the algorithm needs it"));
        }
        return new Descriptor.Isolation(runAsRoot, readOnly, network);
    }
}
