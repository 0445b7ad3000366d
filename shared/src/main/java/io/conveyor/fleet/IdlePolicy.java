package io.conveyor.fleet;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * When a Conveyor instance counts as idle, and what its alarm is called. Idle means "no Conveyor task
 * on it" for {@code idleMinutes} consecutive minutes, never "low CPU": an I/O-bound job at 0% CPU
 * keeps its instance busy.
 *
 * @param stack       the stack name; alarms are named {@code <stack>-idle-<instance id>}
 * @param idleMinutes how many consecutive one-minute periods without a task stop an instance
 * @param namespace   the custom metric's namespace
 * @param metricName  the custom metric's name (its one dimension is {@code InstanceId})
 */
public record IdlePolicy(String stack, int idleMinutes, String namespace, String metricName) {

    /**
     * CloudWatch evaluates at most one day of data for one-minute periods (periods × evaluation
     * periods ≤ 86,400 s), so this is the longest idle time an alarm can watch.
     */
    public static final int MAX_IDLE_MINUTES = 1440;

    /**
     * How long a fresh (or freshly restarted) instance is given before a task count of 0 is
     * published for it: the jobs that asked for it wait in the jobs queue and come back at most
     * 5 minutes later (dispatch's longest delay), so an instance is never stopped before they had
     * their chance. Missing data never stops a machine.
     */
    public static final Duration LAUNCH_GRACE = Duration.ofMinutes(5);

    /**
     * How long a running Conveyor instance may take to register with the cluster before it is
     * terminated: the ECS-optimized AMI boots and its agent registers within a few minutes; one
     * that has not in 15 minutes is broken (user data, network, role) and would bill forever.
     */
    public static final Duration REGISTRATION_BOUND = Duration.ofMinutes(15);

    /**
     * How long an alarm may stay in ALARM while its instance keeps running before it is set back to
     * OK: EC2 starts stopping an instance within seconds of the action, so a longer wait means the
     * action failed (say, the service-linked role is missing) and the next idle period should try
     * again.
     */
    public static final Duration STOP_GRACE = Duration.ofMinutes(5);

    private static final String IDLE = "-idle-";

    public IdlePolicy {
        if (stack == null || stack.isBlank()) {
            throw new IllegalArgumentException("stack: missing");
        }
        if (idleMinutes < 1 || idleMinutes > MAX_IDLE_MINUTES) {
            throw new IllegalArgumentException("idleMinutes: must be between 1 and " + MAX_IDLE_MINUTES
                    + ", was " + idleMinutes);
        }
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(metricName, "metricName");
    }

    /** What every alarm name of this stack starts with. */
    public String alarmPrefix() {
        return stack + IDLE;
    }

    /** The alarm name of an instance. */
    public String alarmName(String instanceId) {
        return alarmPrefix() + instanceId;
    }

    /** The instance an alarm name belongs to, or empty when the name is not one of this stack's alarms. */
    public Optional<String> instanceOf(String alarmName) {
        if (alarmName == null || !alarmName.startsWith(alarmPrefix()) || alarmName.length() == alarmPrefix().length()) {
            return Optional.empty();
        }
        return Optional.of(alarmName.substring(alarmPrefix().length()));
    }
}
