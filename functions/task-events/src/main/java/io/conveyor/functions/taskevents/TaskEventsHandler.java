package io.conveyor.functions.taskevents;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.conveyor.config.Environment;
import io.conveyor.events.EcsTaskEvents;
import io.conveyor.lambda.SqsBatch;
import io.conveyor.tasks.TaskTracker;
import java.util.Objects;

/**
 * ECS Task State Change events of Conveyor's cluster (EventBridge → SQS → here).
 */
public final class TaskEventsHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    /** The ARN of Conveyor's ECS cluster. */
    static final String CLUSTER_ARN = "CLUSTER_ARN";

    private final TaskTracker tracker;

    /** For the Lambda runtime. */
    public TaskEventsHandler() {
        this(Environment.system());
    }

    /** For {@code conveyor invoke}: configuration from the given environment. */
    public TaskEventsHandler(Environment env) {
        this(new TaskTracker(env.required(CLUSTER_ARN)));
    }

    /** For tests: the collaborators. */
    public TaskEventsHandler(TaskTracker tracker) {
        this.tracker = Objects.requireNonNull(tracker, "tracker");
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return SqsBatch.process(event, body -> tracker.track(EcsTaskEvents.parse(body)));
    }
}
