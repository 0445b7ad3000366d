package io.conveyor.functions.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.aws.EcsRunningAttempts;
import io.conveyor.aws.S3JobStore;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.aws.SqsJobQueue;
import io.conveyor.events.EcsTaskEvents;
import io.conveyor.jobs.JobMessages;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobTask;
import io.conveyor.json.Json;
import io.conveyor.registration.ObjectStoreRegistry;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.storage.ObjectRef;
import io.conveyor.tasks.TaskEventDriver;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.EcsFleet;
import io.conveyor.testing.Emulator;
import io.conveyor.testing.SqsMessages;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Flows 2 and 3 together against moto: an input → dispatch → a task on ECS; its failed stop →
 * task-events' lifecycle → the record QUEUED and a retry message in the real jobs queue → dispatch
 * again → attempt 2's task, found by its own startedBy; its success → SUCCEEDED with the output
 * files. moto does not emit ECS state changes: the events are built the way EventBridge delivers
 * them, from the tasks moto started.
 */
@AwsEmulator
class JobLifecycleRoundTripIT {

    @Test
    void failedAttempt_isRetriedThroughTheJobsQueue_andTheRetrySucceeds(Emulator emulator) {
        // Given a warm instance and an input dispatched to it
        DispatchHandlerIT.Stack stack = DispatchHandlerIT.stack(emulator);
        EcsFleet.launchContainerInstances(stack.ec2(), stack.ecs(), DispatchHandlerIT.CLUSTER, 1);
        DispatchHandler dispatch = stack.handler(emulator, 2);
        dispatch.handleRequest(stack.upload("inputs/word-count/notes 1+2.txt", "a b c"), null);
        JobRecord job = stack.jobs().get(0);
        Task first = stack.tasksOf(job.id()).get(0);
        String clusterArn = clusterArn(stack);
        TaskEventDriver lifecycle = lifecycle(stack, clusterArn);

        // When attempt 1's algorithm exits 1 (the descriptor allows one retry)
        TaskEventDriver.Outcome failed = lifecycle.apply(EcsTaskEvents.parse(event(clusterArn, first, 5, "STOPPED", 1)));

        // Then its record is QUEUED with the exit code, and the jobs queue holds the retry
        assertThat(failed).isEqualTo(TaskEventDriver.Outcome.RETRYING);
        JobRecord queued = stack.jobs().get(0);
        assertThat(queued.state()).isEqualTo(JobState.QUEUED);
        assertThat(queued.exitCode()).isEqualTo(1);
        assertThat(queued.task(1).orElseThrow().exitCodes()).containsEntry(TaskDefinitionWrapper.ALGORITHM, 1);
        List<Message> retry = SqsMessages.receive(stack.sqs(), stack.queueUrl(), 1);
        assertThat(retry).singleElement().extracting(Message::body).isEqualTo(JobMessages.body(job.id()));

        // When dispatch takes the retry message
        SQSBatchResponse response = dispatch.handleRequest(SqsMessages.toEvent(retry, DispatchHandlerIT.QUEUE_ARN),
                null);

        // Then attempt 2 runs as its own task, with the same input version and output prefix
        assertThat(response.getBatchItemFailures()).isEmpty();
        String startedBy = new JobTask(job.id(), 2).startedBy();
        List<String> second = stack.ecs().listTasks(r -> r.cluster(DispatchHandlerIT.CLUSTER).startedBy(startedBy))
                .taskArns();
        assertThat(second).hasSize(1).doesNotContain(first.taskArn());
        JobRecord retried = stack.jobs().get(0);
        assertThat(retried.state()).isEqualTo(JobState.STARTING);
        assertThat(retried.attempt()).isEqualTo(2);
        assertThat(retried.output()).isEqualTo(job.output());

        // When attempt 2 succeeds (stage-out uploaded one file), and attempt 1's RUNNING arrives late
        ObjectRef output = ObjectRef.parse(job.output());
        stack.s3().putObject(r -> r.bucket(output.bucket()).key(output.key() + "counts.txt"),
                RequestBody.fromString("3"));
        Task secondTask = stack.ecs().describeTasks(r -> r.cluster(DispatchHandlerIT.CLUSTER).tasks(second)).tasks()
                .get(0);
        TaskEventDriver.Outcome succeeded = lifecycle.apply(EcsTaskEvents.parse(event(clusterArn, secondTask, 6, "STOPPED",
                0)));
        TaskEventDriver.Outcome late = lifecycle.apply(EcsTaskEvents.parse(event(clusterArn, first, 3, "RUNNING", null)));

        // Then the job SUCCEEDED with its file listed, and stays so
        assertThat(succeeded).isEqualTo(TaskEventDriver.Outcome.SUCCEEDED);
        assertThat(late).isEqualTo(TaskEventDriver.Outcome.STALE);
        JobRecord done = stack.jobs().get(0);
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.outputs()).containsExactly("counts.txt");
        assertThat(done.tasks()).extracting(run -> run.taskArn()).containsExactly(first.taskArn(), second.get(0));
        assertThat(SqsMessages.receive(stack.sqs(), stack.queueUrl(), 1)).as("no chain, no retry").isEmpty();
    }

    @Test
    void succeededJobWithThen_startsTheNextAlgorithmOnItsOutputWhereItLies(Emulator emulator) {
        // Given tokenize, whose outputs go on to word-count, and a tokenize job that ran
        DispatchHandlerIT.Stack stack = DispatchHandlerIT.stack(emulator);
        DispatchHandlerIT.register(stack.s3(), stack.ecs(), DispatchHandlerIT.DESCRIPTOR
                .replace("\"name\": \"word-count\"", "\"name\": \"tokenize\"")
                .replace("\"retries\": 1", "\"retries\": 1, \"then\": [\"word-count\"]"));
        EcsFleet.launchContainerInstances(stack.ec2(), stack.ecs(), DispatchHandlerIT.CLUSTER, 1);
        DispatchHandler dispatch = stack.handler(emulator, 2);
        dispatch.handleRequest(stack.upload("inputs/tokenize/doc é.txt", "a b c"), null);
        JobRecord parent = stack.jobs().get(0);
        ObjectRef output = ObjectRef.parse(parent.output());
        String produced = output.key() + "tokens.txt";
        stack.s3().putObject(r -> r.bucket(output.bucket()).key(produced), RequestBody.fromString("a\nb\nc\n"));
        String clusterArn = clusterArn(stack);
        TaskEventDriver lifecycle = lifecycle(stack, clusterArn);

        // When it succeeds
        lifecycle.apply(EcsTaskEvents.parse(event(clusterArn, stack.tasksOf(parent.id()).get(0), 6, "STOPPED", 0)));

        // Then its output became a word-count job linked both ways, queued for dispatch
        JobRecord done = new S3JobStore(stack.s3(), DispatchHandlerIT.OUT).get(parent.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.children()).hasSize(1);
        String childId = done.children().get(0);
        JobRecord child = new S3JobStore(stack.s3(), DispatchHandlerIT.OUT).get(childId).orElseThrow();
        assertThat(child.parent()).isEqualTo(parent.id());
        assertThat(child.algorithm()).isEqualTo("word-count");
        assertThat(child.input()).isEqualTo("s3://" + DispatchHandlerIT.OUT + "/" + produced);
        List<Message> next = SqsMessages.receive(stack.sqs(), stack.queueUrl(), 1);
        assertThat(next).singleElement().extracting(Message::body).isEqualTo(JobMessages.body(childId));

        // When dispatch takes it
        dispatch.handleRequest(SqsMessages.toEvent(next, DispatchHandlerIT.QUEUE_ARN), null);

        // Then word-count's task stages the parent's output from the output bucket (no copy)
        Task task = stack.tasksOf(childId).get(0);
        assertThat(task.overrides().containerOverrides())
                .filteredOn(o -> o.name().equals(TaskDefinitionWrapper.STAGE_IN)).singleElement()
                .satisfies(o -> assertThat(o.environment()).extracting(kv -> kv.name() + "=" + kv.value())
                        .contains(TaskDefinitionWrapper.INPUT_BUCKET + "=" + DispatchHandlerIT.OUT,
                                TaskDefinitionWrapper.INPUT_KEY + "=" + produced));
        assertThat(new S3JobStore(stack.s3(), DispatchHandlerIT.OUT).get(childId).orElseThrow().state())
                .isEqualTo(JobState.STARTING);
    }

    static String clusterArn(DispatchHandlerIT.Stack stack) {
        return stack.ecs().describeClusters(r -> r.clusters(DispatchHandlerIT.CLUSTER)).clusters().get(0).clusterArn();
    }

    /** task-events' lifecycle as its handler builds it, on the stack's bucket and jobs queue. */
    static TaskEventDriver lifecycle(DispatchHandlerIT.Stack stack, String clusterArn) {
        S3ObjectStore store = new S3ObjectStore(stack.s3());
        return new TaskEventDriver(clusterArn, new S3JobStore(stack.s3(), DispatchHandlerIT.OUT),
                new SqsJobQueue(stack.sqs(), stack.queueUrl()), new EcsRunningAttempts(stack.ecs(), clusterArn),
                new ObjectStoreRegistry(store, DispatchHandlerIT.OUT),
                store, Clock.systemUTC());
    }

    /**
     * The EventBridge event of a task's state change, shaped as AWS sends it: the task's ARNs and
     * startedBy from moto, containers with exit codes once stopped.
     */
    static String event(String clusterArn, Task task, long version, String status, Integer algorithmExit) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("version", "0");
        root.put("id", "event-" + task.taskArn().hashCode() + "-" + version);
        root.put("detail-type", EcsTaskEvents.DETAIL_TYPE);
        root.put("source", "aws.ecs");
        root.put("account", "123456789012");
        root.put("time", "2026-11-21T10:00:00Z");
        root.put("region", Emulator.REGION);
        root.putArray("resources").add(task.taskArn());
        ObjectNode detail = root.putObject("detail");
        detail.put("clusterArn", clusterArn);
        detail.put("taskArn", task.taskArn());
        detail.put("taskDefinitionArn", task.taskDefinitionArn());
        detail.put("containerInstanceArn", task.containerInstanceArn());
        detail.put("startedBy", task.startedBy());
        detail.put("group", task.group());
        detail.put("lastStatus", status);
        detail.put("desiredStatus", status.equals("STOPPED") ? "STOPPED" : "RUNNING");
        detail.put("launchType", "EC2");
        detail.put("version", version);
        detail.put("startedAt", "2026-11-21T09:59:00Z");
        ArrayNode containers = detail.putArray("containers");
        for (Map.Entry<String, Integer> container : Map.of(TaskDefinitionWrapper.STAGE_IN, 0,
                TaskDefinitionWrapper.ALGORITHM, algorithmExit == null ? -1 : algorithmExit,
                TaskDefinitionWrapper.STAGE_OUT, 0).entrySet()) {
            ObjectNode c = containers.addObject();
            c.put("name", container.getKey());
            c.put("lastStatus", status.equals("STOPPED") ? "STOPPED" : "RUNNING");
            if (status.equals("STOPPED") && algorithmExit != null) {
                c.put("exitCode", container.getValue());
            }
        }
        if (status.equals("STOPPED")) {
            detail.put("stopCode", "EssentialContainerExited");
            detail.put("stoppedReason", "Essential container in task exited");
            detail.put("stoppedAt", "2026-11-21T10:00:00Z");
        }
        return root.toString();
    }
}
