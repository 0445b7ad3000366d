package io.conveyor.cli.template;

import static io.conveyor.cli.template.TemplateFixtures.map;
import static io.conveyor.cli.template.TemplateFixtures.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Flow 5 read off the template: the reconciler runs on a schedule, one pass at a time, and may list only the
 * inputs, touch job records and its own state, look at and stop only its cluster's tasks, send only to the
 * jobs queue and count only the stack's dead letters.
 */
class TemplateReconcileTest {

    private static final Intrinsic CLUSTER_ARN = new Intrinsic("GetAtt", "Cluster.Arn");

    @Test
    void template_reconciler_runsOnItsScheduleOnePassAtATime() throws IOException {
        // Given the reconciler's function
        Map<String, Object> properties = properties("ReconcileFunction");

        // Then a schedule parameter triggers it, one invocation at a time, in the task-events module
        Map<String, Object> pass = map(map(properties.get("Events")).get("Pass"));
        assertThat(pass.get("Type")).isEqualTo("Schedule");
        assertThat(map(pass.get("Properties")).get("Schedule")).isEqualTo(new Intrinsic("Ref", "ReconcileSchedule"));
        assertThat(properties).containsEntry("ReservedConcurrentExecutions", 1)
                .containsEntry("Handler", "io.conveyor.functions.taskevents.ReconcileHandler::handleRequest");
        Map<String, Object> parameters = map(template().raw().get("Parameters"));
        assertThat(map(parameters.get("ReconcileSchedule"))).containsEntry("Default", "rate(5 minutes)");
        assertThat(map(parameters.get("ReconcileSettleMinutes"))).containsEntry("Default", 10)
                .containsEntry("MinValue", 1);
        Map<String, Object> variables = map(map(properties.get("Environment")).get("Variables"));
        assertThat(variables).containsEntry("CLUSTER_ARN", CLUSTER_ARN)
                .containsEntry("RECONCILE_SETTLE_MINUTES", new Intrinsic("Ref", "ReconcileSettleMinutes"))
                .containsEntry("JOBS_QUEUE_URL", new Intrinsic("Ref", "JobsQueue"))
                .containsKeys("INPUT_BUCKET", "OUTPUT_BUCKET", "JOB_INDEX_TABLE", "STACK_NAME")
                .containsEntry("JOBS_DEAD_LETTER_QUEUE_URL", new Intrinsic("Ref", "JobsDeadLetterQueue"))
                .containsKeys("REGISTRATION_DEAD_LETTER_QUEUE_URL", "TASK_EVENTS_DEAD_LETTER_QUEUE_URL");
    }

    @Test
    void template_reconciler_hasOnlyThePermissionsItsPassNeedsScopedToTheStack() throws IOException {
        List<Map<String, Object>> statements = TemplatePoliciesTest.statements(template()).stream()
                .filter(entry -> entry.getKey().equals("ReconcileFunction")).map(Map.Entry::getValue).toList();
        Set<String> actions = new TreeSet<>();
        statements.forEach(statement -> actions.addAll(TemplatePoliciesTest.strings(statement.get("Action"))));

        assertThat(actions).containsExactlyInAnyOrder("s3:ListBucketVersions", "s3:GetObject", "s3:PutObject",
                "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListBucket", "dynamodb:PutItem", "dynamodb:Query",
                "ecs:DescribeTasks", "ecs:StopTask",
                "ecs:ListTasks", "sqs:SendMessage", "sqs:GetQueueAttributes", "events:PutEvents");
        assertThat(withAction(statements, "s3:ListBucketVersions").get("Condition"))
                .isEqualTo(Map.of("StringEquals", Map.of("s3:prefix", "inputs/")));
        assertThat(statements).filteredOn(s -> TemplatePoliciesTest.strings(s.get("Action")).contains("s3:PutObject"))
                .extracting(s -> s.get("Resource")).containsExactlyInAnyOrder(
                        new Intrinsic("Sub", "${OutputBucket.Arn}/jobs/*"),
                        new Intrinsic("Sub", "${OutputBucket.Arn}/reconcile/state.json"),
                        new Intrinsic("Sub", "${OutputBucket.Arn}/batches/*.json"),
                        new Intrinsic("Sub", "${OutputBucket.Arn}/batches/*/*/*/*"),
                        new Intrinsic("Sub", "${OutputBucket.Arn}/open-batches/*"),
                        new Intrinsic("Sub", "${OutputBucket.Arn}/outputs/*/*/*.members/*"));
        // Of the input bucket it lists only batches' folders (a later step's listed objects), besides the versions
        assertThat(statements).filteredOn(s -> TemplatePoliciesTest.strings(s.get("Action")).contains("s3:ListBucket"))
                .extracting(s -> s.get("Resource"), s -> s.get("Condition")).containsExactlyInAnyOrder(
                        tuple(new Intrinsic("GetAtt", "OutputBucket.Arn"), null),
                        tuple(new Intrinsic("Sub", TemplateLifecycleTest.INPUT_BUCKET_ARN),
                                Map.of("StringLike", Map.of("s3:prefix", "inputs/*/*/*"))));
        assertThat(withAction(statements, "s3:DeleteObject").get("Resource"))
                .isEqualTo(new Intrinsic("Sub", "${OutputBucket.Arn}/open-batches/*"));
        assertThat(withAction(statements, "ecs:DescribeTasks").get("Condition"))
                .isEqualTo(Map.of("ArnEquals", Map.of("ecs:cluster", CLUSTER_ARN)));
        assertThat(withAction(statements, "ecs:ListTasks").get("Condition"))
                .isEqualTo(Map.of("ArnEquals", Map.of("ecs:cluster", CLUSTER_ARN)));
        assertThat(withAction(statements, "sqs:SendMessage").get("Resource"))
                .isEqualTo(new Intrinsic("GetAtt", "JobsQueue.Arn"));
        assertThat(withAction(statements, "sqs:GetQueueAttributes").get("Resource")).isEqualTo(List.of(
                new Intrinsic("GetAtt", "RegistrationDeadLetterQueue.Arn"), new Intrinsic("GetAtt", "JobsDeadLetterQueue.Arn"),
                new Intrinsic("GetAtt", "TaskEventsDeadLetterQueue.Arn")));
    }

    private static Map<String, Object> withAction(List<Map<String, Object>> statements, String action) {
        return statements.stream().filter(s -> TemplatePoliciesTest.strings(s.get("Action")).contains(action))
                .findFirst().orElseThrow();
    }

    private static Map<String, Object> properties(String id) throws IOException {
        return map(template().resources().get(id).get("Properties"));
    }
}
