package io.conveyor.fleet;

import java.util.List;

/**
 * What a {@link Teardown} did.
 *
 * @param terminatedInstances         instances it asked EC2 to terminate
 * @param deregisteredContainerInstances container instances it deregistered from the cluster
 * @param deregisteredTaskDefinitions task definition revisions it deregistered
 * @param deletedAlarms               idle alarms it deleted
 * @param instancesLeft               instances still not terminated when the wait ended
 * @param failures                    each step that failed, with its error
 */
public record TeardownReport(int terminatedInstances, int deregisteredContainerInstances,
                             int deregisteredTaskDefinitions, int deletedAlarms, List<String> instancesLeft,
                             List<String> failures) {

    public TeardownReport {
        instancesLeft = List.copyOf(instancesLeft);
        failures = List.copyOf(failures);
    }

    /** Whether nothing is left and nothing failed. */
    public boolean complete() {
        return instancesLeft.isEmpty() && failures.isEmpty();
    }

    /** Every failure in one line ({@code ""} when complete). */
    public String reason() {
        return String.join("; ", failures);
    }
}
