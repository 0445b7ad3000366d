package io.conveyor.observe;

import io.conveyor.config.Environment;
import io.conveyor.cost.AttemptCost;
import io.conveyor.jobs.JobChanges;
import io.conveyor.jobs.JobRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a written change of a job's record becomes what the world outside sees: its metrics
 * ({@link JobMetrics}, as one EMF line per change, dimensions {@code [stack]} and {@code [stack, algorithm]})
 * and its job event ({@link JobStateEvent}, when the state changed and the scope publishes it). Every driver
 * writes through {@link io.conveyor.jobs.JobUpdates}, which tells this only after a write succeeded: a replayed
 * event writes nothing and emits nothing.
 *
 * <p>A publish that fails is logged with the job's id ({@code outcome=job-event-unpublished}) and counted
 * ({@code JobEventsUnpublished}, dimension {@code [stack]}); the change stands. Events are best effort, not
 * exactly once.
 */
public final class JobSignals implements JobChanges {

    private static final Logger LOG = LoggerFactory.getLogger(JobSignals.class);
    private static final List<List<String>> BY_ALGORITHM = List.of(List.of("stack"), List.of("stack", "algorithm"));

    private final String stack;
    private final MetricLog metrics;
    private final JobStateEvents events;
    private final JobEventScope scope;
    private final AttemptCost cost;
    private final AtomicLong unpublished = new AtomicLong();

    public JobSignals(String stack, MetricLog metrics, JobStateEvents events, JobEventScope scope) {
        this(stack, metrics, events, scope, null);
    }

    private JobSignals(String stack, MetricLog metrics, JobStateEvents events, JobEventScope scope, AttemptCost cost) {
        this.stack = Objects.requireNonNull(stack, "stack");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.events = Objects.requireNonNull(events, "events");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.cost = cost;
    }

    /**
     * The same signals, adding {@code CostUsd} (the attempt's {@link AttemptCost}) to the metrics of each change that
     * ends a started attempt, where its cost is known.
     */
    public JobSignals withCost(AttemptCost attemptCost) {
        return new JobSignals(stack, metrics, events, scope, Objects.requireNonNull(attemptCost, "attemptCost"));
    }

    /** The variable naming the EventBridge bus of job events ({@code default}: the account's default bus). */
    public static final String BUS_VARIABLE = "JOB_EVENTS_BUS";

    /**
     * Signals as a function's environment configures them: metrics to standard output, events to the bus
     * {@value #BUS_VARIABLE} names (default {@code default}), the changes {@value JobEventScope#VARIABLE} names
     * ({@code terminal}, the default, or {@code all}).
     *
     * @param bus the job events of a bus, by its name
     * @throws IllegalArgumentException naming {@value JobEventScope#VARIABLE} when its value is neither
     */
    public static JobSignals from(Environment env, String stack, Function<String, JobStateEvents> bus) {
        JobEventScope scope = env.optional(JobEventScope.VARIABLE).map(JobEventScope::parse)
                .orElse(JobEventScope.TERMINAL);
        return new JobSignals(stack, MetricLog.STDOUT, bus.apply(env.optional(BUS_VARIABLE).orElse("default")), scope);
    }

    @Override
    public void written(JobRecord before, JobRecord after, Instant at) {
        if (metrics != MetricLog.NONE) {
            writeMetrics(before, after, at);
        }
        boolean stateChanged = before == null || before.state() != after.state();
        if (!stateChanged || !scope.publishes(after.state())) {
            return;
        }
        JobStateEvent event = JobStateEvent.of(stack, before, after, at);
        try {
            events.publish(event);
        } catch (RuntimeException e) {
            long count = unpublished.incrementAndGet();
            LOG.warn("outcome=job-event-unpublished job={} state={} attempt={} unpublished={} reason=\"{}\"",
                    after.id(), after.state(), after.attempt(), count, e.getMessage());
            metrics.write(Emf.line(at, List.of(List.of("stack")), Map.of("stack", stack), Map.of("jobId", after.id()),
                    List.of(Metric.one("JobEventsUnpublished"))));
        }
    }

    /** The change's metrics as one EMF line (not even built where they go nowhere: the local mode writes five a job). */
    private void writeMetrics(JobRecord before, JobRecord after, Instant at) {
        List<Metric> counted = new ArrayList<>(JobMetrics.of(before, after, at));
        if (cost != null && JobMetrics.endsAStartedAttempt(before, after)) {
            cost.usd(after, before.attempt()).ifPresent(usd -> counted.add(new Metric("CostUsd", Metric.Unit.NONE,
                    usd.doubleValue())));
        }
        if (!counted.isEmpty()) {
            metrics.write(Emf.line(at, BY_ALGORITHM, Map.of("stack", stack, "algorithm", after.algorithm()),
                    Map.of("jobId", after.id(), "state", after.state().name()), counted));
        }
    }

    /** How many job events this could not publish since it was made. */
    public long unpublished() {
        return unpublished.get();
    }
}
