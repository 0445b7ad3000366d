package io.conveyor.cli.template;

import static io.conveyor.cli.template.TemplateFixtures.map;
import static io.conveyor.cli.template.TemplateFixtures.sub;
import static io.conveyor.cli.template.TemplateFixtures.template;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.cli.sandbox.StackTemplate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Flow 6 read off the template: every dead-letter queue and every function has its alarms, the job and
 * capacity alarms read Conveyor's metrics, every alarm notifies the stack's encrypted topic, and a mail
 * subscription exists only when an address is given.
 */
class TemplateAlarmsTest {

    private static final Intrinsic TOPIC = new Intrinsic("Ref", "AlarmTopic");
    private static final String ALARM_ARNS = "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${AWS::StackName}-*";

    @Test
    void template_everyDeadLetterQueue_hasAnAlarmOnAnyVisibleMessage() throws IOException {
        // Given every queue something sends its failures to: redrive targets, rule dead-letter configs, on-failure destinations
        Set<String> deadLetterQueues = TemplateDeadLettersTest.queues(template());
        assertThat(deadLetterQueues).containsExactlyInAnyOrder("RegistrationDeadLetterQueue", "JobsDeadLetterQueue",
                "TaskEventsDeadLetterQueue", "EventsDeadLetterQueue", "InvocationFailureQueue", "CapacityDeadLetterQueue");

        for (String queue : deadLetterQueues) {
            // Then one alarm watches its visible messages and fires on the first, within minutes
            List<Map<String, Object>> alarms = alarmsOn("ApproximateNumberOfMessagesVisible",
                    new Intrinsic("GetAtt", queue + ".QueueName"));
            assertThat(alarms).as(queue).hasSize(1);
            Map<String, Object> alarm = alarms.get(0);
            assertThat(alarm).as(queue).containsEntry("Namespace", "AWS/SQS").containsEntry("Threshold", 0)
                    .containsEntry("ComparisonOperator", "GreaterThanThreshold").containsEntry("Statistic", "Maximum");
            assertThat((Integer) alarm.get("Period") * (Integer) alarm.get("EvaluationPeriods")).as(queue).isLessThanOrEqualTo(600);
            // And the dead letters keep the 14 days they always had
            assertThat(map(resource(queue).get("Properties"))).as(queue).containsEntry("MessageRetentionPeriod", 1209600);
        }
    }

    @Test
    void template_everyFunction_hasErrorsAndThrottlesAlarms() throws IOException {
        List<String> functions = template().functions().stream().map(FunctionSpec::logicalId).toList();
        assertThat(functions).hasSizeGreaterThanOrEqualTo(6);

        for (String function : functions) {
            for (String metric : List.of("Errors", "Throttles")) {
                List<Map<String, Object>> alarms = alarmsOn(metric, new Intrinsic("Ref", function));
                assertThat(alarms).as(function + " " + metric).singleElement().satisfies(alarm -> assertThat(alarm)
                        .containsEntry("Namespace", "AWS/Lambda").containsEntry("Statistic", "Sum")
                        .containsEntry("Threshold", 0).containsEntry("ComparisonOperator", "GreaterThanThreshold"));
            }
        }
    }

    @Test
    void template_everyAlarm_notifiesTheTopicAndSaysHowItTreatsMissingData() throws IOException {
        List<Map<String, Object>> alarms = alarms();
        assertThat(alarms).hasSizeGreaterThanOrEqualTo(5 + 12 + 2);

        for (Map<String, Object> alarm : alarms) {
            String name = sub(alarm.get("AlarmName"));
            assertThat(name).startsWith("${AWS::StackName}-").doesNotContain("-idle-");
            assertThat(alarm.get("AlarmActions")).as(name).isEqualTo(List.of(TOPIC));
            assertThat(alarm.get("OKActions")).as(name).isEqualTo(List.of(TOPIC));
            assertThat(alarm).as(name).containsKey("TreatMissingData").containsKey("AlarmDescription");
        }
    }

    @Test
    void template_alarmTopic_isEncryptedWithAKeyOnlyTheStacksAlarmsMayUse() throws IOException {
        // Given the topic, its key and its policy
        Map<String, Object> topic = map(resource("AlarmTopic").get("Properties"));
        assertThat(topic.get("KmsMasterKeyId")).isEqualTo(new Intrinsic("Ref", "AlarmTopicKey"));
        Map<String, Object> key = map(resource("AlarmTopicKey").get("Properties"));
        assertThat(key).containsEntry("EnableKeyRotation", true);

        // Then CloudWatch may use the key and publish to the topic only for the stack's own alarms
        Map<String, Object> keyGrant = statement(map(key.get("KeyPolicy")), "TheStacksAlarmsPublish");
        assertThat(keyGrant.get("Principal")).isEqualTo(Map.of("Service", "cloudwatch.amazonaws.com"));
        assertThat(keyGrant.get("Action")).isEqualTo(List.of("kms:Decrypt", "kms:GenerateDataKey*"));
        assertThat(sub(TemplateFixtures.condition(keyGrant, "ArnLike", "aws:SourceArn"))).isEqualTo(ALARM_ARNS);
        Map<String, Object> publish = statement(map(map(resource("AlarmTopicPolicy").get("Properties")).get("PolicyDocument")),
                "TheStacksAlarmsPublish");
        assertThat(publish).containsEntry("Action", "sns:Publish").containsEntry("Resource", TOPIC);
        assertThat(sub(TemplateFixtures.condition(publish, "ArnLike", "aws:SourceArn"))).isEqualTo(ALARM_ARNS);
        assertThat(TemplateFixtures.condition(publish, "StringEquals", "aws:SourceAccount"))
                .isEqualTo(new Intrinsic("Ref", "AWS::AccountId"));
    }

    @Test
    void alarmEmail_emptyOrGiven_subscribesNoOneOrThatAddress() throws IOException {
        // Given the template with its defaults, and with an address
        StackTemplate withDefaults = StackTemplate.builder(template()).build();
        StackTemplate withAddress = StackTemplate.builder(template()).parameter("AlarmEmail", "ops@example.com").build();

        // Then only the second has a subscription, by mail, to the topic
        assertThat(withDefaults.parameters()).containsEntry("AlarmEmail", "");
        assertThat(withDefaults.resources()).extracting(StackTemplate.Declared::type).doesNotContain("AWS::SNS::Subscription")
                .contains("AWS::SNS::Topic");
        assertThat(withAddress.resources()).filteredOn(r -> r.type().equals("AWS::SNS::Subscription")).singleElement()
                .satisfies(subscription -> assertThat(subscription.properties()).containsEntry("Protocol", "email")
                        .containsEntry("Endpoint", new Intrinsic("Ref", "AlarmEmail")).containsEntry("TopicArn", TOPIC));
    }

    @Test
    void template_failingJobsAlarm_comparesTheFailedShareOnlyOverEnoughJobs() throws IOException {
        Map<String, Object> alarm = map(resource("FailingJobsAlarm").get("Properties"));
        List<Map<String, Object>> metrics = ((List<?>) alarm.get("Metrics")).stream().map(TemplateFixtures::map).toList();

        // The share of failed among ended jobs of the stack, with the threshold and minimum as parameters
        assertThat(metrics).extracting(m -> m.get("Id")).containsExactly("failed", "succeeded", "failedPercent");
        assertThat(metrics.subList(0, 2)).extracting(m -> map(map(m.get("MetricStat")).get("Metric")).get("MetricName"))
                .containsExactly("JobsFailed", "JobsSucceeded");
        assertThat(metrics.subList(0, 2)).allSatisfy(m -> assertThat(map(map(m.get("MetricStat")).get("Metric")))
                .containsEntry("Namespace", "Conveyor")
                .containsEntry("Dimensions", List.of(Map.of("Name", "stack", "Value", new Intrinsic("Ref", "AWS::StackName")))));
        assertThat(sub(metrics.get(2).get("Expression"))).isEqualTo("IF(FILL(failed, 0) + FILL(succeeded, 0) >= "
                + "${FailedJobsAlarmMinimum}, 100 * FILL(failed, 0) / (FILL(failed, 0) + FILL(succeeded, 0)), 0)");
        assertThat(alarm).containsEntry("Threshold", new Intrinsic("Ref", "FailedJobsAlarmPercent"))
                .containsEntry("TreatMissingData", "notBreaching");
        Map<String, Object> parameters = map(template().raw().get("Parameters"));
        assertThat(map(parameters.get("FailedJobsAlarmPercent"))).containsEntry("Default", 20);
        assertThat(map(parameters.get("FailedJobsAlarmMinimum"))).containsEntry("Default", 10).containsEntry("MinValue", 1);
    }

    @Test
    void template_capacityShortfallAlarm_firesOnlyAfterSeveralPeriods() throws IOException {
        Map<String, Object> alarm = map(resource("CapacityShortfallAlarm").get("Properties"));

        assertThat(alarm).containsEntry("Namespace", "Conveyor").containsEntry("MetricName", "CapacityShortfall")
                .containsEntry("Dimensions", List.of(Map.of("Name", "stack", "Value", new Intrinsic("Ref", "AWS::StackName"))))
                .containsEntry("TreatMissingData", "notBreaching");
        assertThat((Integer) alarm.get("DatapointsToAlarm")).isGreaterThanOrEqualTo(3);
        assertThat((Integer) alarm.get("Period") * (Integer) alarm.get("DatapointsToAlarm")).isGreaterThanOrEqualTo(900);
    }

    private static List<Map<String, Object>> alarmsOn(String metric, Intrinsic dimensionValue) throws IOException {
        return alarms().stream().filter(alarm -> metric.equals(alarm.get("MetricName")))
                .filter(alarm -> alarm.get("Dimensions") instanceof List<?> dimensions && dimensions.stream()
                        .anyMatch(d -> dimensionValue.equals(map(d).get("Value"))))
                .toList();
    }

    private static List<Map<String, Object>> alarms() throws IOException {
        List<Map<String, Object>> alarms = new ArrayList<>();
        template().resources().values().stream().filter(r -> "AWS::CloudWatch::Alarm".equals(r.get("Type")))
                .forEach(r -> alarms.add(map(r.get("Properties"))));
        return alarms;
    }

    private static Map<String, Object> statement(Map<String, Object> document, String sid) {
        return ((List<?>) document.get("Statement")).stream().map(TemplateFixtures::map).filter(s -> sid.equals(s.get("Sid")))
                .findFirst().orElseThrow(() -> new AssertionError("no statement " + sid + " in " + document));
    }

    private static Map<String, Object> resource(String id) throws IOException {
        Map<String, Object> resource = template().resources().get(id);
        assertThat(resource).as(id).isNotNull();
        return resource;
    }
}
