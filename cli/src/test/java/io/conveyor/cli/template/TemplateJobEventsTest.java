package io.conveyor.cli.template;

import static io.conveyor.cli.template.TemplateFixtures.map;
import static io.conveyor.cli.template.TemplateFixtures.template;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Job events: the parameters that choose them, and the functions that change job records publish them. */
class TemplateJobEventsTest {

    static final List<String> WRITERS = List.of("DispatchFunction", "TaskEventsFunction", "ReconcileFunction");

    @Test
    void template_jobEventsParameters_defaultToTerminalOnTheDefaultBus() throws IOException {
        Map<String, Object> parameters = map(template().raw().get("Parameters"));

        assertThat(map(parameters.get("JobEvents"))).containsEntry("Default", "terminal")
                .containsEntry("AllowedValues", List.of("terminal", "all"));
        assertThat(map(parameters.get("JobEventsBus"))).containsEntry("Default", "default");
    }

    @Test
    void template_functionsThatWriteRecords_publishOnlyToTheChosenBus() throws IOException {
        Map<String, Object> resources = map(template().raw().get("Resources"));
        for (String function : WRITERS) {
            // Given a function that changes job records
            Map<String, Object> properties = map(map(resources.get(function)).get("Properties"));

            // Then it knows the stack, which changes to publish and where
            assertThat(map(map(properties.get("Environment")).get("Variables")))
                    .containsEntry("JOB_EVENTS", new Intrinsic("Ref", "JobEvents"))
                    .containsEntry("JOB_EVENTS_BUS", new Intrinsic("Ref", "JobEventsBus"))
                    .containsEntry("STACK_NAME", new Intrinsic("Ref", "AWS::StackName"));
            // And it may PutEvents on that bus alone
            assertThat(TemplatePoliciesTest.statements(template()).stream()
                    .filter(entry -> entry.getKey().equals(function)).map(Map.Entry::getValue)
                    .filter(s -> TemplatePoliciesTest.strings(s.get("Action")).contains("events:PutEvents")))
                    .as(function).singleElement().satisfies(s -> {
                        assertThat(TemplatePoliciesTest.strings(s.get("Action"))).containsExactly("events:PutEvents");
                        assertThat(s.get("Resource")).isEqualTo(new Intrinsic("Sub",
                                "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${JobEventsBus}"));
                    });
        }
    }
}
