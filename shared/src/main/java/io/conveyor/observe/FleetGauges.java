package io.conveyor.observe;

import io.conveyor.fleet.FleetInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fleet's metrics as EMF lines: {@code Instances} by state and {@code RunningTasks} (fleet-monitor, each
 * sweep), and {@code CapacityShortfall} (the capacity function, when jobs wait because the fleet is at its cap).
 */
public final class FleetGauges {

    /** The states {@code Instances} is emitted for, every one each sweep (0 too), as EC2 names them. */
    public static final List<FleetInstance.State> STATES = List.of(FleetInstance.State.PENDING,
            FleetInstance.State.RUNNING, FleetInstance.State.STOPPING, FleetInstance.State.STOPPED);

    private FleetGauges() {
    }

    /**
     * One line per state with {@code Instances} (dimensions {@code [stack, state]}), and one with
     * {@code RunningTasks} (dimension {@code [stack]}).
     *
     * @param instances the stack's instances as EC2 lists them
     * @param tasks     the tasks running or about to run on the cluster's container instances
     */
    public static List<String> sweep(String stack, Instant at, List<FleetInstance> instances, int tasks) {
        Map<FleetInstance.State, Integer> counts = new LinkedHashMap<>();
        STATES.forEach(state -> counts.put(state, 0));
        instances.forEach(instance -> counts.computeIfPresent(instance.state(), (state, count) -> count + 1));
        List<String> lines = new ArrayList<>();
        counts.forEach((state, count) -> lines.add(Emf.line(at, List.of(List.of("stack", "state")),
                Map.of("stack", stack, "state", state.name().toLowerCase(Locale.ROOT)), Map.of(),
                List.of(Metric.count("Instances", count)))));
        lines.add(Emf.line(at, List.of(List.of("stack")), Map.of("stack", stack), Map.of(),
                List.of(Metric.count("RunningTasks", tasks))));
        return lines;
    }

    /**
     * {@code CapacityShortfall}: waiting jobs the capacity function could not get an instance for because the
     * fleet is at its cap.
     */
    public static String capacityShortfall(String stack, Instant at, int jobs) {
        return Emf.line(at, List.of(List.of("stack")), Map.of("stack", stack), Map.of(),
                List.of(Metric.count("CapacityShortfall", jobs)));
    }
}
