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
 * Flow 3 read off the template: ECS task state changes of the stack's cluster only, through a queue
 * with a dead-letter queue, to task-events, which may touch job records, read the registry, list the
 * output bucket and send to the jobs queue, and nothing else.
 */
class TemplateLifecycleTest {

    private static final Intrinsic CLUSTER_ARN = new Intrinsic("GetAtt", "Cluster.Arn");

    @Test
    void template_taskStateChangeRule_takesOnlyTheClustersTaskEventsIntoTheQueue() throws IOException {
        SamTemplate template = template();
        Map<String, Object> rule = properties(template, "TaskStateChangeRule");
        Map<String, Object> pattern = map(rule.get("EventPattern"));

        assertThat(pattern.get("source")).isEqualTo(List.of("aws.ecs"));
        assertThat(pattern.get("detail-type")).isEqualTo(List.of("ECS Task State Change"));
        assertThat(map(pattern.get("detail")).get("clusterArn")).isEqualTo(List.of(CLUSTER_ARN));
        assertThat((List<?>) rule.get("Targets")).singleElement()
                .satisfies(target -> assertThat(map(target).get("Arn"))
                        .isEqualTo(new Intrinsic("GetAtt", "TaskEventsQueue.Arn")));
        Map<String, Object> redrive = map(properties(template, "TaskEventsQueue").get("RedrivePolicy"));
        assertThat(redrive.get("deadLetterTargetArn")).isEqualTo(new Intrinsic("GetAtt", "TaskEventsDeadLetterQueue.Arn"));
    }

    @Test
    void template_taskEvents_knowsItsClusterBucketAndJobsQueue() throws IOException {
        Map<String, Object> properties = properties(template(), "TaskEventsFunction");
        Map<String, Object> variables = map(map(properties.get("Environment")).get("Variables"));

        assertThat(variables).containsEntry("CLUSTER_ARN", CLUSTER_ARN)
                .containsEntry("OUTPUT_BUCKET", new Intrinsic("Ref", "OutputBucket"))
                .containsEntry("JOBS_QUEUE_URL", new Intrinsic("Ref", "JobsQueue"))
                .containsEntry("JOB_INDEX_TABLE", new Intrinsic("Ref", "JobIndexTable"))
                .containsEntry("INPUT_BUCKET", new Intrinsic("Sub", "${AWS::StackName}-${AWS::AccountId}-${AWS::Region}-in"));
        Map<String, Object> source = map(map(map(properties.get("Events")).get("TaskStateChanges")).get("Properties"));
        assertThat(source.get("FunctionResponseTypes")).isEqualTo(List.of("ReportBatchItemFailures"));
    }

    @Test
    void template_taskEvents_writesOnlyJobRecordsSendsOnlyToTheJobsQueueAndStopsOnlyItsClustersTasks() throws IOException {
        List<Map<String, Object>> statements = TemplatePoliciesTest.statements(template()).stream()
                .filter(entry -> entry.getKey().equals("TaskEventsFunction")).map(Map.Entry::getValue).toList();
        Set<String> actions = new TreeSet<>();
        statements.forEach(statement -> actions.addAll(TemplatePoliciesTest.strings(statement.get("Action"))));

        assertThat(actions).containsExactlyInAnyOrder("s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                "s3:AbortMultipartUpload", "s3:ListBucket", "sqs:SendMessage", "dynamodb:PutItem", "ecs:StopTask",
                "events:PutEvents");
        // It stops only tasks of the stack's own cluster (a cancelled job's task that started anyway)
        assertThat(statements).filteredOn(s -> TemplatePoliciesTest.strings(s.get("Action")).contains("ecs:StopTask"))
                .singleElement().satisfies(s -> {
                    assertThat(s.get("Resource")).isEqualTo(new Intrinsic("Sub",
                            "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/${Cluster}/*"));
                    assertThat(s.get("Condition")).isEqualTo(Map.of("ArnEquals",
                            Map.of("ecs:cluster", new Intrinsic("GetAtt", "Cluster.Arn"))));
                });
        assertThat(statements).filteredOn(s -> TemplatePoliciesTest.strings(s.get("Action")).contains("dynamodb:PutItem"))
                .singleElement().satisfies(s -> assertThat(s.get("Resource"))
                        .isEqualTo(new Intrinsic("GetAtt", "JobIndexTable.Arn")));
        // It writes job records, batch records, gather folders (CopyObject) and a later step's archive members (below
        // a step's members folder), nothing else
        assertThat(statements).filteredOn(s -> TemplatePoliciesTest.strings(s.get("Action")).contains("s3:PutObject"))
                .extracting(s -> s.get("Resource")).containsExactlyInAnyOrder(
                        new Intrinsic("Sub", "${OutputBucket.Arn}/jobs/*"),
                        new Intrinsic("Sub", "${OutputBucket.Arn}/batches/*.json"),
                        new Intrinsic("Sub", "${OutputBucket.Arn}/batches/*/*/*/*"),
                        new Intrinsic("Sub", "${OutputBucket.Arn}/open-batches/*"),
                        new Intrinsic("Sub", "${OutputBucket.Arn}/outputs/*/*/*.members/*"));
        assertThat(statements).filteredOn(s -> TemplatePoliciesTest.strings(s.get("Action")).contains("sqs:SendMessage"))
                .singleElement().satisfies(s -> assertThat(s.get("Resource"))
                        .isEqualTo(new Intrinsic("GetAtt", "JobsQueue.Arn")));
        // It lists the output bucket, and of the input bucket only batches' folders (a later step's listed objects)
        assertThat(statements).filteredOn(s -> TemplatePoliciesTest.strings(s.get("Action")).contains("s3:ListBucket"))
                .extracting(s -> s.get("Resource"), s -> s.get("Condition")).containsExactlyInAnyOrder(
                        tuple(new Intrinsic("GetAtt", "OutputBucket.Arn"), null),
                        tuple(new Intrinsic("Sub", INPUT_BUCKET_ARN),
                                Map.of("StringLike", Map.of("s3:prefix", "inputs/*/*/*"))));
    }

    static final String INPUT_BUCKET_ARN = "arn:${AWS::Partition}:s3:::${AWS::StackName}-${AWS::AccountId}-${AWS::Region}-in";

    @Test
    void template_dispatch_readsEarlierOutputsForChainsButWritesNoOutputs() throws IOException {
        List<Map<String, Object>> statements = TemplatePoliciesTest.statements(template()).stream()
                .filter(entry -> entry.getKey().equals("DispatchFunction")).map(Map.Entry::getValue).toList();

        assertThat(statements).filteredOn(s -> new Intrinsic("Sub", "${OutputBucket.Arn}/outputs/*")
                .equals(s.get("Resource"))).singleElement()
                .satisfies(s -> assertThat(TemplatePoliciesTest.strings(s.get("Action"))).containsExactly("s3:GetObject"));
    }

    private static Map<String, Object> properties(SamTemplate template, String id) {
        return map(template.resources().get(id).get("Properties"));
    }

}
