package io.conveyor.aws;

import io.conveyor.fleet.ContainerInstanceLoad;
import io.conveyor.fleet.ContainerScheduler;
import io.conveyor.jobs.JobTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.EcsClient;
import io.conveyor.dispatch.TaskLauncher;
import io.conveyor.dispatch.TaskStart;
import io.conveyor.registration.TaskDefinitionWrapper;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.StartTaskResponse;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskOverride;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;

/**
 * The container scheduler on ECS: one cluster of EC2 container instances.
 *
 * <p>Each job's task is started with its own StartTask call: ECS applies one set of overrides to every
 * task of a call, and every job has its own input, output and id.
 */
public final class EcsContainerScheduler implements ContainerScheduler, TaskLauncher {

    /** DescribeContainerInstances takes at most this many instances per call. */
    private static final int DESCRIBE_LIMIT = 100;

    private final EcsClient ecs;
    private final EcsClient starts;
    private final String cluster;

    public EcsContainerScheduler(EcsClient ecs, String cluster) {
        this(ecs, ecs, cluster);
    }

    /**
     * @param starts the client StartTask goes through: one that retries only throttled calls
     *               ({@link AwsClients#ecsForStarts()}), so a lost answer is never retried into a
     *               second task
     */
    public EcsContainerScheduler(EcsClient ecs, EcsClient starts, String cluster) {
        this.ecs = Objects.requireNonNull(ecs, "ecs");
        this.starts = Objects.requireNonNull(starts, "starts");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    @Override
    public List<ContainerInstanceLoad> containerInstances() {
        List<String> arns = new ArrayList<>();
        ecs.listContainerInstancesPaginator(request -> request.cluster(cluster))
                .containerInstanceArns().forEach(arns::add);
        List<ContainerInstanceLoad> loads = new ArrayList<>(arns.size());
        for (int from = 0; from < arns.size(); from += DESCRIBE_LIMIT) {
            List<String> chunk = arns.subList(from, Math.min(arns.size(), from + DESCRIBE_LIMIT));
            ecs.describeContainerInstances(request -> request.cluster(cluster).containerInstances(chunk))
                    .containerInstances().stream().map(EcsContainerScheduler::load).forEach(loads::add);
        }
        return List.copyOf(loads);
    }

    @Override
    public List<TaskStart.Result> start(List<TaskStart> starts) {
        List<TaskStart.Result> results = new ArrayList<>(starts.size());
        for (TaskStart start : starts) {
            results.add(start(start));
        }
        return results;
    }

    private TaskStart.Result start(TaskStart start) {
        List<ContainerOverride> containers = new ArrayList<>();
        start.environment().forEach((container, variables) -> containers.add(ContainerOverride.builder()
                .name(container)
                .environment(variables.entrySet().stream()
                        .map(v -> KeyValuePair.builder().name(v.getKey()).value(v.getValue()).build()).toList())
                .command(TaskDefinitionWrapper.ALGORITHM.equals(container) ? start.algorithmCommand() : null)
                .build()));
        try {
            StartTaskResponse response = starts.startTask(request -> request.cluster(cluster)
                    .taskDefinition(start.taskDefinitionArn())
                    .containerInstances(start.containerInstance())
                    .startedBy(new JobTask(start.jobId(), start.attempt()).startedBy())
                    .overrides(TaskOverride.builder().containerOverrides(containers).build())
                    .tags(start.tags().entrySet().stream()
                            .map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList()));
            if (!response.failures().isEmpty()) {
                Failure failure = response.failures().get(0);
                return refusal(failure.reason(), failure.detail(), failure.arn());
            }
            if (response.tasks().isEmpty()) {
                return new TaskStart.Result.Refused("ECS returned neither a task nor a failure", true);
            }
            return new TaskStart.Result.Started(response.tasks().get(0).taskArn());
        } catch (EcsException e) {
            String reason = errorCode(e) + " (HTTP " + e.statusCode() + "): " + e.getMessage();
            if (e.isThrottlingException()) {
                // refused before anything was started
                return new TaskStart.Result.Refused(reason, true, TaskStart.Result.Why.THROTTLED);
            }
            if (e.statusCode() >= 500) {
                return new TaskStart.Result.Unknown(reason);
            }
            if ("AccessDeniedException".equals(errorCode(e))) {
                throw e;  // Conveyor's own permissions are wrong: no job's fault, so no job fails for it.
            }
            return new TaskStart.Result.Refused(reason, false, definitionGone(e) ? TaskStart.Result.Why.DEFINITION_GONE
                    : TaskStart.Result.Why.OTHER);
        } catch (SdkClientException e) {
            // No answer (a timeout, a broken connection): the task may exist.
            return new TaskStart.Result.Unknown("no answer from ECS: " + e.getMessage());
        }
    }

    /**
     * A {@code failures[]} entry. Every reason ECS documents for StartTask ({@code RESOURCE:*},
     * {@code AGENT}, {@code ATTRIBUTE}, {@code MISSING}, ...) is about the chosen instance at that
     * moment, so the job is placed again with fresh capacity.
     */
    static TaskStart.Result refusal(String reason, String detail, String arn) {
        String text = (reason == null ? "unknown failure" : reason) + (detail == null ? "" : " (" + detail + ")")
                + (arn == null ? "" : " on " + arn);
        return new TaskStart.Result.Refused(text, true, TaskStart.Result.Why.INSTANCE);
    }

    /**
     * Whether ECS refused a start because its task definition can start no task: deregistered ("TaskDefinition is
     * inactive", an InvalidParameterException) or unknown ("TaskDefinition not found.", "Unable to describe task
     * definition.", ClientExceptions). ECS gives these no error code of their own, so its message is read.
     */
    static boolean definitionGone(EcsException e) {
        String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? e.getMessage()
                : e.awsErrorDetails().errorMessage();
        String text = String.valueOf(message).toLowerCase(java.util.Locale.ROOT);
        return text.contains("taskdefinition is inactive") || text.contains("taskdefinition not found")
                || text.contains("unable to describe task definition");
    }

    @Override
    public boolean anyTaskStartedBy(String startedBy) {
        for (DesiredStatus status : List.of(DesiredStatus.RUNNING, DesiredStatus.STOPPED)) {
            if (!ecs.listTasks(request -> request.cluster(cluster).startedBy(startedBy).desiredStatus(status))
                    .taskArns().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static String errorCode(EcsException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "UnknownError"
                : e.awsErrorDetails().errorCode();
    }

    private static ContainerInstanceLoad load(ContainerInstance instance) {
        return new ContainerInstanceLoad(instance.containerInstanceArn(), instance.ec2InstanceId(),
                instance.status(), Boolean.TRUE.equals(instance.agentConnected()),
                nonNegative(instance.runningTasksCount()), nonNegative(instance.pendingTasksCount()),
                attribute(instance, "ecs.instance-type"), remaining(instance, "CPU"), remaining(instance, "MEMORY"),
                registered(instance, "CPU"), registered(instance, "MEMORY"));
    }

    private static int registered(ContainerInstance instance, String name) {
        return instance.registeredResources().stream().filter(r -> name.equals(r.name()))
                .map(r -> nonNegative(r.integerValue())).findFirst().orElse(0);
    }

    private static String attribute(ContainerInstance instance, String name) {
        return instance.attributes().stream().filter(a -> name.equals(a.name())).map(Attribute::value).findFirst()
                .orElse(null);
    }

    private static int remaining(ContainerInstance instance, String name) {
        return instance.remainingResources().stream().filter(r -> name.equals(r.name()))
                .map(r -> nonNegative(r.integerValue())).findFirst().orElse(0);
    }

    private static int nonNegative(Integer count) {
        return count == null ? 0 : Math.max(0, count);
    }
}
