package io.conveyor.aws;

import io.conveyor.jobs.JobLogs;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.TaskRun;
import io.conveyor.registration.TaskDefinitionWrapper;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * A job's container logs on AWS: the stack's task log group (its {@code TaskLogGroupName} output),
 * where the awslogs driver writes each container of a task to its own stream, which the record keeps
 * per attempt ({@link TaskRun#logStreams()}; a record written before it kept them gets the name the
 * driver gives). One {@code GetLogEvents} call per page, oldest first; its {@code nextForwardToken}
 * is the cursor, which CloudWatch Logs hands back unchanged while nothing new came.
 */
public final class CloudWatchJobLogs implements JobLogs {

    private final CloudWatchLogsClient logs;
    private final String logGroup;

    public CloudWatchJobLogs(CloudWatchLogsClient logs, String logGroup) {
        this.logs = Objects.requireNonNull(logs, "logs");
        this.logGroup = Objects.requireNonNull(logGroup, "logGroup");
    }

    @Override
    public Page read(JobRecord job, int attempt, String container, String cursor) {
        if (!CONTAINERS.contains(container)) {
            throw new IllegalArgumentException("container: expected one of " + String.join(", ", CONTAINERS) + ", was '"
                    + container + "'");
        }
        Optional<String> stream = stream(job, attempt, container);
        if (stream.isEmpty()) {
            return Page.missing();
        }
        GetLogEventsResponse page;
        try {
            page = logs.getLogEvents(request -> request.logGroupName(logGroup).logStreamName(stream.get())
                    .startFromHead(true).nextToken(cursor));
        } catch (ResourceNotFoundException e) {
            // The container never started (no stream was made), or its log expired with the group's retention.
            return Page.missing();
        }
        return new Page(page.events().stream().map(OutputLogEvent::message).toList(), page.nextForwardToken(), true);
    }

    /** The stream an attempt's container wrote to, when the attempt got a task. */
    static Optional<String> stream(JobRecord job, int attempt, String container) {
        return job.task(attempt).map(task -> task.logStreams().getOrDefault(container,
                TaskDefinitionWrapper.logStream(job.algorithm(), container, task.taskArn())));
    }
}
