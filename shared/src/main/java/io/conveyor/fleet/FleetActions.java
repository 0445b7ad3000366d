package io.conveyor.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one look at the fleet did.
 *
 * @param metricsPublished    task counts published (one per running, registered Conveyor instance)
 * @param alarmsCreated       idle alarms created, by name
 * @param alarmsDeleted       idle alarms deleted (their instance is terminated or gone), by name
 * @param alarmsReset         idle alarms set back to OK, by name
 * @param tasksStopped        tasks stopped for running past their timeout, by ARN
 * @param instancesTerminated instances terminated for never registering with the cluster
 * @param instancesDrained    container instances set to DRAINING (their instance is stopping)
 * @param instancesActivated  container instances set back to ACTIVE (their instance runs again)
 * @param failures            steps that failed, each with AWS's message; the other steps still ran
 */
public record FleetActions(int metricsPublished, List<String> alarmsCreated, List<String> alarmsDeleted,
                           List<String> alarmsReset, List<String> tasksStopped, List<String> instancesTerminated,
                           List<String> instancesDrained, List<String> instancesActivated, List<String> failures) {

    /** Nothing done. */
    public static final FleetActions NONE = new FleetActions(0, List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of(), List.of());

    public FleetActions {
        alarmsCreated = List.copyOf(alarmsCreated);
        alarmsDeleted = List.copyOf(alarmsDeleted);
        alarmsReset = List.copyOf(alarmsReset);
        tasksStopped = List.copyOf(tasksStopped);
        instancesTerminated = List.copyOf(instancesTerminated);
        instancesDrained = List.copyOf(instancesDrained);
        instancesActivated = List.copyOf(instancesActivated);
        failures = List.copyOf(failures);
    }

    /** How many of each, for the report and the log. */
    public Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("metricsPublished", metricsPublished);
        counts.put("alarmsCreated", alarmsCreated.size());
        counts.put("alarmsDeleted", alarmsDeleted.size());
        counts.put("alarmsReset", alarmsReset.size());
        counts.put("tasksStopped", tasksStopped.size());
        counts.put("instancesTerminated", instancesTerminated.size());
        counts.put("instancesDrained", instancesDrained.size());
        counts.put("instancesActivated", instancesActivated.size());
        counts.put("failures", failures.size());
        return counts;
    }

    /** Both together. */
    public FleetActions plus(FleetActions other) {
        return new FleetActions(metricsPublished + other.metricsPublished, join(alarmsCreated, other.alarmsCreated),
                join(alarmsDeleted, other.alarmsDeleted), join(alarmsReset, other.alarmsReset),
                join(tasksStopped, other.tasksStopped), join(instancesTerminated, other.instancesTerminated),
                join(instancesDrained, other.instancesDrained), join(instancesActivated, other.instancesActivated),
                join(failures, other.failures));
    }

    private static List<String> join(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
