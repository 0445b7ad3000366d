package io.conveyor.dispatch;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What dispatch asks the capacity function for: the jobs that fit on no registered container instance,
 * each with its CPU, memory and allowed instance types. Dispatch sends one per batch with waiting jobs, and
 * again at each of their later deliveries while they wait, so a need that is lost or refused costs one
 * round of waiting, never a job.
 *
 * @param requestedBy  the dispatch invocation that found the jobs waiting (for the logs)
 * @param requestedAt  when it did: a need older than {@link CapacityProvisioner#FRESH_FOR} is not acted on
 * @param waiting      the waiting jobs' demands, keyed by job id; at least one
 * @param algorithms   the waiting jobs' algorithms (an instance launched while one alone waits carries its tag)
 */
public record CapacityNeed(String requestedBy, Instant requestedAt, List<Packer.Demand> waiting,
                           Set<String> algorithms) {

    public CapacityNeed {
        if (requestedBy == null || requestedBy.isBlank()) {
            throw new IllegalArgumentException("requestedBy: must not be empty");
        }
        Objects.requireNonNull(requestedAt, "requestedAt");
        waiting = List.copyOf(Objects.requireNonNull(waiting, "waiting"));
        if (waiting.isEmpty()) {
            throw new IllegalArgumentException("waiting: at least one job must wait for capacity to ask for it");
        }
        algorithms = Set.copyOf(Objects.requireNonNull(algorithms, "algorithms"));
    }
}
