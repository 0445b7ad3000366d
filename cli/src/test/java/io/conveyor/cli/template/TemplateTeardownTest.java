package io.conveyor.cli.template;

import static io.conveyor.cli.template.TemplateFixtures.allowing;
import static io.conveyor.cli.template.TemplateFixtures.template;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.aws.Ec2InstanceFleet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The stack's teardown, read off the template: a custom resource CloudFormation deletes before what
 * the instances use, answered by a function that may end only the stack's instances, alarms and task
 * definitions.
 */
class TemplateTeardownTest {

    private static final Intrinsic STACK_NAME = new Intrinsic("Ref", "AWS::StackName");
    private static final Intrinsic IDLE_ALARMS = new Intrinsic("Sub",
            "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${AWS::StackName}-idle-*");

    @Test
    void template_teardownResource_isDeletedBeforeWhatTheInstancesUse() throws IOException {
        Map<String, Object> teardown = template().resources().get("Teardown");

        // CloudFormation deletes in reverse dependency order: Teardown must depend on each of these
        assertThat(teardown.get("Type")).isEqualTo("Custom::ConveyorTeardown");
        assertThat(references(teardown)).contains("Cluster", "InstanceSecurityGroup", "LaunchTemplate", "InstanceProfile");
    }

    @Test
    void template_dispatch_isDeletedBeforeTheTeardownRuns() throws IOException {
        // Dispatch depends on Teardown, so CloudFormation deletes it (and its queue trigger) first:
        // nothing launches instances while the fleet is torn down
        assertThat(TemplatePoliciesTest.strings(template().resources().get("DispatchFunction").get("DependsOn")))
                .contains("Teardown");
    }

    @Test
    void template_teardownResource_callsThePublishedFunctionAndGivesUpAfterItsTimeout() throws IOException {
        SamTemplate template = template();
        Map<String, Object> properties = map(template.resources().get("Teardown").get("Properties"));
        FunctionSpec function = template.function("TeardownFunction").orElseThrow();

        // The alias's ARN never changes (CloudFormation refuses a changed ServiceToken) and runs the
        // published version; no answer at all fails the deletion after ServiceTimeout, not after an hour
        assertThat(properties.get("ServiceToken")).isEqualTo(new Intrinsic("Ref", "TeardownFunction.Alias"));
        assertThat(function.timeoutSeconds()).isEqualTo(900);
        assertThat((Integer) properties.get("ServiceTimeout")).isGreaterThan(function.timeoutSeconds())
                .isLessThanOrEqualTo(3600);
        assertThat(function.handlerClass()).isEqualTo("io.conveyor.functions.fleet.TeardownHandler");
    }

    @Test
    void template_teardownEnvironment_namesWhatTheOtherFunctionsCreate() throws IOException {
        SamTemplate template = template();
        Map<String, Object> teardown = template.function("TeardownFunction").orElseThrow().environment();
        Map<String, Object> register = template.function("RegisterAlgorithmFunction").orElseThrow().environment();

        assertThat(teardown).containsEntry("STACK_NAME", STACK_NAME)
                .containsEntry("CLUSTER_NAME", new Intrinsic("Ref", "Cluster"))
                .containsEntry("TASK_FAMILY_PREFIX", register.get("TASK_FAMILY_PREFIX"))
                .containsEntry("IDLE_ALARM_PREFIX", new Intrinsic("Sub", "${AWS::StackName}-idle-"));
    }

    @Test
    void template_teardownTermination_needsTheStackTag() throws IOException {
        // Every statement of the template that allows TerminateInstances, not only the teardown's
        List<Map<String, Object>> statements = allowing(template(), null, "ec2:TerminateInstances");

        assertThat(statements).isNotEmpty().allSatisfy(statement -> {
            assertThat(TemplatePoliciesTest.strings(statement.get("Resource")))
                    .allSatisfy(resource -> assertThat(resource).contains(":instance/"));
            assertThat(map(map(statement.get("Condition")).get("StringEquals")))
                    .containsEntry("aws:ResourceTag/" + Ec2InstanceFleet.STACK_TAG, STACK_NAME);
        });
    }

    @Test
    void template_teardownAlarmsAndEcs_areScopedToTheStack() throws IOException {
        SamTemplate template = template();

        assertThat(allowing(template, "TeardownFunction", "cloudwatch:DeleteAlarms")).singleElement()
                .satisfies(statement -> assertThat(statement.get("Resource")).isEqualTo(IDLE_ALARMS));
        assertThat(allowing(template, "TeardownFunction", "cloudwatch:DescribeAlarms")).singleElement()
                .satisfies(statement -> assertThat(statement.get("Resource")).isEqualTo(IDLE_ALARMS));
        assertThat(allowing(template, "TeardownFunction", "ecs:DeregisterContainerInstance")).singleElement()
                .satisfies(statement -> assertThat(statement.get("Resource")).isEqualTo(new Intrinsic("GetAtt", "Cluster.Arn")));
        assertThat(allowing(template, "TeardownFunction", "ecs:ListTagsForResource")).singleElement()
                .satisfies(statement -> assertThat(statement.get("Resource")).isEqualTo(new Intrinsic("Sub",
                        "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task-definition/${AWS::StackName}-*")));
        // ... and the function may do nothing else
        Set<String> actions = new TreeSet<>();
        allowing(template, "TeardownFunction", null)
                .forEach(statement -> actions.addAll(TemplatePoliciesTest.strings(statement.get("Action"))));
        assertThat(actions).containsExactly("cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms",
                "ec2:DescribeInstances", "ec2:TerminateInstances", "ecs:DeregisterContainerInstance",
                "ecs:DeregisterTaskDefinition", "ecs:ListContainerInstances", "ecs:ListTagsForResource",
                "ecs:ListTaskDefinitionFamilies", "ecs:ListTaskDefinitions");
    }

    /** The logical ids a resource depends on: its DependsOn, every Ref and GetAtt, and ${...} in a Sub. */
    private static Set<String> references(Object node) {
        Set<String> found = new TreeSet<>();
        List<Object> pending = new ArrayList<>(List.of(node));
        while (!pending.isEmpty()) {
            Object next = pending.remove(pending.size() - 1);
            if (next instanceof Intrinsic intrinsic) {
                if (intrinsic.argument() instanceof String target) {
                    switch (intrinsic.function()) {
                        case "Ref", "GetAtt" -> found.add(target.split("\\.")[0]);
                        case "Sub" -> java.util.regex.Pattern.compile("\\$\\{([A-Za-z0-9]+)").matcher(target).results()
                                .forEach(match -> found.add(match.group(1)));
                        default -> { }
                    }
                } else {
                    pending.add(intrinsic.argument());
                }
            } else if (next instanceof Map<?, ?> map) {
                if (map.get("DependsOn") != null) {
                    found.addAll(TemplatePoliciesTest.strings(map.get("DependsOn")));
                }
                pending.addAll(map.values());
            } else if (next instanceof List<?> list) {
                pending.addAll(list);
            }
        }
        return found;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
