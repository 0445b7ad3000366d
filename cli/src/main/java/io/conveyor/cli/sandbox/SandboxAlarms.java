package io.conveyor.cli.sandbox;

import io.conveyor.fleet.FleetMetrics;
import io.conveyor.fleet.IdleAlarm;
import io.conveyor.fleet.IdleAlarms;
import io.conveyor.fleet.Teardown;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fleet-monitor's CloudWatch, kept by the sandbox: the per-instance task counts it publishes and the
 * idle alarms it keeps, evaluated as CloudWatch evaluates the alarms fleet-monitor makes (metric
 * {@code Tasks} by {@code InstanceId}, period 60 s, statistic Maximum, at most 0 for
 * {@code idleMinutes} consecutive periods, missing data not breaching), whose action, the EC2 stop
 * action, stops the instance. The emulator cannot do this: the SDK's CloudWatch client speaks CBOR,
 * which moto does not read, and moto never evaluates an alarm nor runs its actions.
 */
final class SandboxAlarms implements IdleAlarms, FleetMetrics, Teardown.Alarms {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxAlarms.class);
    private static final Duration PERIOD = Duration.ofMinutes(1);

    private final String prefix;
    private final int idleMinutes;
    private final Consumer<String> stopInstance;
    private final Clock clock;
    private final Map<String, IdleAlarm> alarms = new ConcurrentHashMap<>();
    /** Instance id → minute → the largest task count published in it. */
    private final Map<String, TreeMap<Instant, Integer>> counts = new ConcurrentHashMap<>();

    /**
     * @param stopInstance the alarms' action: stops an EC2 instance
     * @param clock        the sandbox's time (its minutes are the alarms' periods)
     */
    SandboxAlarms(String stackName, int idleMinutes, Consumer<String> stopInstance, Clock clock) {
        this.prefix = Objects.requireNonNull(stackName, "stackName") + "-idle-";
        this.idleMinutes = idleMinutes;
        this.stopInstance = Objects.requireNonNull(stopInstance, "stopInstance");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized void publishTasks(Map<String, Integer> tasksByInstance, Instant at) {
        Instant minute = at.truncatedTo(ChronoUnit.MINUTES);
        tasksByInstance.forEach((instance, tasks) -> counts.computeIfAbsent(instance, i -> new TreeMap<>())
                .merge(minute, tasks, Math::max));
    }

    @Override
    public List<IdleAlarm> list() {
        return new ArrayList<>(alarms.values());
    }

    @Override
    public void create(String instanceId) {
        alarms.computeIfAbsent(prefix + instanceId, name -> new IdleAlarm(name, instanceId,
                IdleAlarm.State.INSUFFICIENT_DATA, clock.instant()));
    }

    @Override
    public void delete(List<String> alarmNames) {
        alarmNames.forEach(alarms::remove);
    }

    /** The teardown's sweep: every alarm of the stack. */
    @Override
    public int deleteAll() {
        int deleted = alarms.size();
        alarms.clear();
        return deleted;
    }

    @Override
    public void reset(String alarmName, String reason) {
        alarms.computeIfPresent(alarmName, (name, alarm) -> new IdleAlarm(name, alarm.instanceId(), IdleAlarm.State.OK,
                clock.instant()));
    }

    /**
     * Evaluates every alarm on the periods completed by now; an alarm that goes into ALARM runs its
     * action once.
     */
    synchronized void evaluate() {
        Instant lastComplete = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        for (IdleAlarm alarm : List.copyOf(alarms.values())) {
            IdleAlarm.State next = state(alarm.instanceId(), lastComplete);
            if (next == alarm.state()) {
                continue;
            }
            alarms.put(alarm.name(), new IdleAlarm(alarm.name(), alarm.instanceId(), next, clock.instant()));
            LOG.info("outcome=alarm-{} alarm={} instance={}", next.name().toLowerCase(java.util.Locale.ROOT),
                    alarm.name(), alarm.instanceId());
            if (next == IdleAlarm.State.ALARM) {
                try {
                    stopInstance.accept(alarm.instanceId());
                } catch (RuntimeException e) {
                    LOG.warn("outcome=alarm-action-failed alarm={} reason=\"{}\"", alarm.name(), e.getMessage());
                }
            }
        }
    }

    /** ALARM when each of the last {@code idleMinutes} periods has a Maximum of 0; missing data is not breaching. */
    private IdleAlarm.State state(String instanceId, Instant lastComplete) {
        TreeMap<Instant, Integer> published = counts.getOrDefault(instanceId, new TreeMap<>());
        boolean anyData = false;
        for (int i = 1; i <= idleMinutes; i++) {
            Integer maximum = published.get(lastComplete.minus(PERIOD.multipliedBy(i)));
            if (maximum == null || maximum > 0) {
                return published.isEmpty() ? IdleAlarm.State.INSUFFICIENT_DATA : IdleAlarm.State.OK;
            }
            anyData = true;
        }
        return anyData ? IdleAlarm.State.ALARM : IdleAlarm.State.INSUFFICIENT_DATA;
    }
}
