package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.cli.template.SamTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceCoverageTest {

    @Test
    void requireCovered_projectTemplate_everyTypeMadeOrNotNeededWithAReason() throws IOException {
        StackTemplate template = StackTemplateTest.project();

        ResourceCoverage.requireCovered(template);

        assertThat(ResourceCoverage.of(template)).containsOnlyKeys(template.types().keySet());
        ResourceCoverage.of(template).values().stream().filter(ResourceCoverage.Coverage.NotNeeded.class::isInstance)
                .map(ResourceCoverage.Coverage.NotNeeded.class::cast)
                .forEach(notNeeded -> assertThat(notNeeded.reason()).isNotBlank());
        assertThat(ResourceCoverage.of("AWS::SQS::Queue")).containsInstanceOf(ResourceCoverage.Coverage.Made.class);
        assertThat(ResourceCoverage.of("AWS::Serverless::Function")).containsInstanceOf(ResourceCoverage.Coverage.Made.class);
        assertThat(ResourceCoverage.of("AWS::IAM::Role")).containsInstanceOf(ResourceCoverage.Coverage.NotNeeded.class);
    }

    @Test
    void requireCovered_templateCopyWithAStateMachine_failsNamingTheTypeAndResource(@TempDir Path dir) throws IOException {
        // Given the project's template with one resource the sandbox knows nothing of
        String yaml = Files.readString(StackTemplateTest.HOME.resolve("template.yaml"));
        Path copy = dir.resolve("template.yaml");
        Files.writeString(copy, yaml.replace("\nResources:\n", """

                Resources:
                  Workflow:
                    Type: AWS::StepFunctions::StateMachine
                """));
        StackTemplate template = StackTemplate.builder(SamTemplate.read(copy)).build();

        // When / Then
        assertThatThrownBy(() -> ResourceCoverage.requireCovered(template))
                .hasMessageContaining("AWS::StepFunctions::StateMachine=[Workflow]")
                .hasMessageNotContaining("AWS::SQS::Queue");
    }
}
