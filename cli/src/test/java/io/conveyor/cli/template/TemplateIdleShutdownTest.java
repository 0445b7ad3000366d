package io.conveyor.cli.template;

import static io.conveyor.cli.template.TemplateFixtures.allowing;
import static io.conveyor.cli.template.TemplateFixtures.condition;
import static io.conveyor.cli.template.TemplateFixtures.map;
import static io.conveyor.cli.template.TemplateFixtures.sub;
import static io.conveyor.cli.template.TemplateFixtures.template;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.aws.Ec2InstanceFleet;
import io.conveyor.jobs.JobTask;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The idle shutdown read off the template: the IdleMinutes parameter below both anchors (ECS managed
 * scaling 15 min, AWS Batch 20 min), fleet-monitor's variables and EventBridge states, and its
 * permissions scoped to the stack's alarms, tagged instances, its cluster and its namespace.
 */
class TemplateIdleShutdownTest {

    private static final String FUNCTION = "FleetMonitorFunction";
    private static final String ALARMS =
            "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${AWS::StackName}-idle-*";
    private static final Intrinsic STACK_NAME = new Intrinsic("Ref", "AWS::StackName");
    private static final Intrinsic CLUSTER_ARN = new Intrinsic("GetAtt", "Cluster.Arn");

    @Test
    @SuppressWarnings("unchecked")
    void template_idleMinutes_defaultsBelowBothAnchorsWithALowerMinimum() throws IOException {
        Map<String, Object> parameter = map(map(template().raw().get("Parameters")).get("IdleMinutes"));

        assertThat(parameter).containsEntry("Type", "Number");
        int defaultMinutes = ((Number) parameter.get("Default")).intValue();
        int minimum = ((Number) parameter.get("MinValue")).intValue();
        // Stopped about IdleMinutes + 2 minutes after the last task: still below ECS's 15 and Batch's 20
        assertThat(defaultMinutes + 2).isLessThan(15);
        assertThat(minimum).isPositive().isLessThan(defaultMinutes);
        assertThat(((Number) parameter.get("MaxValue")).intValue()).isEqualTo(1440);
    }

    @Test
    void template_fleetMonitor_getsItsVariables() throws IOException {
        Map<String, Object> variables = map(map(properties().get("Environment")).get("Variables"));

        assertThat(variables).containsEntry("STACK_NAME", STACK_NAME)
                .containsEntry("IDLE_MINUTES", new Intrinsic("Ref", "IdleMinutes"))
                .containsEntry("METRIC_NAMESPACE", "Conveyor")
                .containsKey("CLUSTER_NAME");
    }

    @Test
    @SuppressWarnings("unchecked")
    void template_instanceStateRule_coversDrainingAndReactivation() throws IOException {
        Map<String, Object> rule = map(map(map(properties().get("Events")).get("InstanceStateChanges")).get("Properties"));
        Map<String, Object> detail = map(map(rule.get("Pattern")).get("detail"));

        assertThat((List<String>) detail.get("state")).contains("pending", "running", "stopping", "shutting-down",
                "stopped", "terminated");
    }

    @Test
    void template_metrics_onlyInTheFunctionsNamespace() throws IOException {
        Map<String, Object> statement = single("cloudwatch:PutMetricData");

        assertThat(statement.get("Resource")).isEqualTo("*");
        assertThat(condition(statement, "StringEquals", "cloudwatch:namespace")).isEqualTo("Conveyor");
    }

    @Test
    void template_alarms_onlyUnderTheStacksPrefixAndOnlyWithEc2Stop() throws IOException {
        for (String action : List.of("cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms",
                "cloudwatch:SetAlarmState", "cloudwatch:DescribeAlarms")) {
            assertThat(sub(single(action).get("Resource"))).as(action).isEqualTo(ALARMS);
        }
        assertThat(sub(condition(single("cloudwatch:PutMetricAlarm"), "ForAllValues:StringEquals",
                "cloudwatch:AlarmActions"))).isEqualTo("arn:${AWS::Partition}:automate:${AWS::Region}:ec2:stop");
    }

    @Test
    void template_terminate_onlyInstancesWithTheStacksTag() throws IOException {
        Map<String, Object> statement = single("ec2:TerminateInstances");

        assertThat(sub(statement.get("Resource")))
                .isEqualTo("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*");
        assertThat(condition(statement, "StringEquals", "aws:ResourceTag/" + Ec2InstanceFleet.STACK_TAG))
                .isEqualTo(STACK_NAME);
        assertThat(allowing(template(), FUNCTION, "ec2:StopInstances")).as("the alarm stops, not the function").isEmpty();
    }

    @Test
    void template_tasksAndContainerInstances_onlyInTheCluster() throws IOException {
        assertThat(condition(single("ecs:ListTasks"), "ArnEquals", "ecs:cluster")).isEqualTo(CLUSTER_ARN);
        assertThat(sub(single("ecs:DescribeTasks").get("Resource")))
                .isEqualTo("arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/${Cluster}/*");
        assertThat(single("ecs:StopTask")).isEqualTo(single("ecs:DescribeTasks"));
        assertThat(sub(single("ecs:UpdateContainerInstancesState").get("Resource"))).isEqualTo(
                "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:container-instance/${Cluster}/*");
        // The timeout tag the function reads is the one dispatch writes
        assertThat(JobTask.TAG_TIMEOUT).isEqualTo("conveyor:timeout-seconds");
    }

    @Test
    void template_serviceLinkedRole_onlyCloudWatchEventsOwn() throws IOException {
        Map<String, Object> statement = single("iam:CreateServiceLinkedRole");

        assertThat(sub(statement.get("Resource"))).isEqualTo("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/"
                + "aws-service-role/events.amazonaws.com/AWSServiceRoleForCloudWatchEvents");
        assertThat(condition(statement, "StringEquals", "iam:AWSServiceName")).isEqualTo("events.amazonaws.com");
    }

    private static Map<String, Object> properties() throws IOException {
        return map(template().resources().get(FUNCTION).get("Properties"));
    }

    private static Map<String, Object> single(String action) throws IOException {
        List<Map<String, Object>> statements = allowing(template(), FUNCTION, action);
        assertThat(statements).as(action).hasSize(1);
        return statements.get(0);
    }

}
