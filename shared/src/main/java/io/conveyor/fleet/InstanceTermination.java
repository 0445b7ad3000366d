package io.conveyor.fleet;

import java.util.List;

/**
 * Ends Conveyor instances for good (EC2 on AWS).
 */
public interface InstanceTermination {

    /** Terminates the instances. */
    void terminate(List<String> instanceIds);
}
