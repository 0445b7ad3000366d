package io.conveyor.tasks;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobTask;
import io.conveyor.jobs.TaskRun;
import io.conveyor.registration.TaskDefinitionWrapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an ECS task state change says about a job's attempt, as a {@link JobEvent}: ECS's wording
 * (stop codes, reasons, per-container exit codes) is read here and nowhere else.
 */
public final class TaskEvents {

    /**
     * How ECS says a task went with its instance: "Host EC2 (instance i-…) stopped/terminated", a
     * container instance that was deregistered or went away, and the stop codes of interruptions.
     */
    private static final Pattern INSTANCE_GONE = Pattern.compile(
            "(?i).*(host ec2|ec2 instance|container instance|instance i-[0-9a-f]+).*(stopped|terminated|deregist|retir).*");
    private static final List<String> INTERRUPTION_STOP_CODES = List.of("SpotInterruption", "TerminationNotice");
    private static final Pattern TIMEOUT_SECONDS = Pattern.compile(Pattern.quote(JobTask.TIMEOUT_REASON) + "(\\d+) s.*");

    private TaskEvents() {
    }

    /**
     * The event a state change of an attempt's task is: RUNNING and STOPPED are; PROVISIONING,
     * PENDING and ACTIVATING are a pending task (nothing a record keeps, but a task of a job that is
     * over is stopped); the others (DEACTIVATING, STOPPING, …) are on their way to STOPPED.
     *
     * @param algorithm the job's algorithm: its containers' log streams are named after it
     */
    public static Optional<JobEvent> of(int attempt, TaskStateChange change, String algorithm) {
        TaskRun run = run(attempt, change).withLogStreams(TaskDefinitionWrapper.logStreams(algorithm, change.taskArn()));
        return switch (change.lastStatus()) {
            case "PROVISIONING", "PENDING", "ACTIVATING" -> Optional.of(new JobEvent.TaskPending(attempt, run));
            case "RUNNING" -> Optional.of(JobEvent.TaskRunning.onEcs(run));
            case "STOPPED" -> Optional.of(JobEvent.AttemptEnded.of(attempt, ending(change)).withTask(run));
            default -> Optional.empty();
        };
    }

    /**
     * How an attempt ended, from its STOPPED event. The algorithm container's exit code decides
     * success; stage-in and stage-out failures are named; a stop by Conveyor's timeout, by a user, or
     * with the instance are told apart by ECS's stop code and reason.
     */
    public static JobEvent.Ending ending(TaskStateChange change) {
        Integer stageIn = exitCode(change, TaskDefinitionWrapper.STAGE_IN);
        Integer algorithm = exitCode(change, TaskDefinitionWrapper.ALGORITHM);
        Integer stageOut = exitCode(change, TaskDefinitionWrapper.STAGE_OUT);
        String stopCode = change.stopCode();
        String stoppedReason = change.stoppedReason() == null ? "no reason given" : change.stoppedReason();
        Matcher timeout = TIMEOUT_SECONDS.matcher(stoppedReason);
        if (JobTask.isTimeout(change.stoppedReason()) && timeout.matches()) {
            return new JobEvent.TimedOut(Integer.parseInt(timeout.group(1)), null);
        }
        if ((stopCode != null && INTERRUPTION_STOP_CODES.contains(stopCode))
                || INSTANCE_GONE.matcher(stoppedReason).matches()) {
            return new JobEvent.InstanceLost("the task's instance went away (" + stopCodeAnd(stopCode, stoppedReason)
                    + ")", algorithm);
        }
        if ("UserInitiated".equals(stopCode) && (algorithm == null || algorithm != 0)) {
            return new JobEvent.StoppedByHand("stopped outside Conveyor: " + stoppedReason, algorithm);
        }
        if (stageIn != null && stageIn != 0) {
            return new JobEvent.StageFailed("stage-in failed (exit code " + stageIn + containerReason(change,
                    TaskDefinitionWrapper.STAGE_IN) + "): the input could not be downloaded", null);
        }
        if (algorithm == null) {
            String why = "TaskFailedToStart".equals(stopCode) ? "the task failed to start" : "the algorithm never finished";
            return new JobEvent.StageFailed(why + " (" + stopCodeAnd(stopCode, stoppedReason) + containerReasons(change)
                    + ")", null);
        }
        if (algorithm != 0) {
            return new JobEvent.ExitCode(algorithm, change.container(TaskDefinitionWrapper.ALGORITHM)
                    .map(ContainerState::reason).filter(r -> !r.isBlank()).orElse(null), null);
        }
        if (stageOut == null || stageOut != 0) {
            return new JobEvent.StageFailed("the algorithm succeeded but stage-out " + (stageOut == null
                    ? "never finished (" + stopCodeAnd(stopCode, stoppedReason) + ")"
                    : "failed (exit code " + stageOut + containerReason(change, TaskDefinitionWrapper.STAGE_OUT) + ")")
                    + ": the output was not (fully) uploaded", 0);
        }
        return new JobEvent.Succeeded();
    }

    /** What a state change says of the attempt's task, as the record keeps it. */
    public static TaskRun run(int attempt, TaskStateChange change) {
        Map<String, Integer> codes = new LinkedHashMap<>();
        Map<String, String> digests = new LinkedHashMap<>();
        change.containers().forEach(c -> {
            if (c.exitCode() != null) {
                codes.put(c.name(), c.exitCode());
            }
            if (c.imageDigest() != null && !c.imageDigest().isBlank()) {
                digests.put(c.name(), c.imageDigest());
            }
        });
        return new TaskRun(attempt, change.taskArn(), change.version(), change.lastStatus(), change.startedAt(),
                change.stoppedAt(), codes, change.stopCode(), change.stoppedReason(), null, digests,
                change.taskDefinitionArn());
    }

    private static Integer exitCode(TaskStateChange change, String container) {
        return change.container(container).map(ContainerState::exitCode).orElse(null);
    }

    private static String containerReason(TaskStateChange change, String container) {
        return change.container(container).map(ContainerState::reason).filter(r -> !r.isBlank())
                .map(r -> ", " + r).orElse("");
    }

    private static String containerReasons(TaskStateChange change) {
        StringBuilder reasons = new StringBuilder();
        change.containers().stream().filter(c -> c.reason() != null && !c.reason().isBlank())
                .forEach(c -> reasons.append("; ").append(c.name()).append(": ").append(c.reason()));
        return reasons.toString();
    }

    private static String stopCodeAnd(String stopCode, String stoppedReason) {
        return (stopCode == null ? "" : stopCode + ": ") + stoppedReason;
    }
}
