package io.conveyor.cli.sandbox;

import io.conveyor.json.Json;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The template's schedules, run by the sandbox: each function with a {@code Schedule} event gets a
 * "Scheduled Event" as EventBridge sends it, every period of the sandbox's time.
 */
final class Schedules implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Schedules.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "sandbox-schedules");
        thread.setDaemon(true);
        return thread;
    });
    private final SandboxStack stack;
    private final SandboxClock clock;

    Schedules(SandboxStack stack, SandboxClock clock) {
        this.stack = stack;
        this.clock = clock;
    }

    /** Starts ticking a function's schedule; the first tick comes one period from now. */
    void start(SandboxFunction function, SandboxStack.EventSource.Schedule schedule) {
        long periodMillis = Math.max(1, clock.wall(schedule.every()).toMillis());
        timer.scheduleAtFixedRate(() -> tick(function, schedule), periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        LOG.info("outcome=schedule-started function={} schedule=\"{}\" everyMillis={}", function.name(),
                schedule.expression(), periodMillis);
    }

    /** Invokes a function with a schedule's event at once (tests and the fault run use this). */
    void tick(SandboxFunction function, SandboxStack.EventSource.Schedule schedule) {
        try {
            function.handleJson(event(schedule, clock));
        } catch (RuntimeException e) {
            LOG.warn("outcome=scheduled-invocation-failed function={} reason=\"{}\"", function.name(), e.toString());
        }
    }

    private String event(SandboxStack.EventSource.Schedule schedule, Clock at) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", "aws.events");
        event.put("account", stack.accountId());
        event.put("time", at.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        event.put("region", stack.region());
        event.put("resources", List.of("arn:aws:events:" + stack.region() + ":" + stack.accountId() + ":rule/"
                + stack.stackName() + "-" + schedule.name()));
        event.put("detail", Map.of());
        try {
            return Json.mapper().writeValueAsString(event);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
