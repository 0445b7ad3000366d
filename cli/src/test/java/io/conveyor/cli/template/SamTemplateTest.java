package io.conveyor.cli.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamTemplateTest {

    private static SamTemplate template(Path dir, String yaml) throws IOException {
        Path file = dir.resolve("template.yaml");
        Files.writeString(file, yaml);
        return SamTemplate.read(file);
    }

    @Test
    void localEnvironment_resolvesParameterRefsAndLeavesWhatOnlyCloudFormationKnowsUnset(@TempDir Path dir)
            throws IOException {
        SamTemplate template = template(dir, """
                Parameters:
                  Level:
                    Type: String
                    Default: debug
                Globals:
                  Function:
                    Timeout: 20
                    Environment:
                      Variables:
                        SHARED: from-globals
                Resources:
                  Cluster:
                    Type: AWS::ECS::Cluster
                  FleetMonitorFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B::handleRequest
                      MemorySize: 512
                      Environment:
                        Variables:
                          LEVEL: !Ref Level
                          CLUSTER_ARN: !GetAtt Cluster.Arn
                          CLUSTER_NAME: {"Ref": "Cluster"}
                          PLAIN: 7
                """);

        FunctionSpec function = template.function("fleet-monitor").orElseThrow();

        assertThat(function.logicalId()).isEqualTo("FleetMonitorFunction");
        assertThat(function.timeoutSeconds()).isEqualTo(20);
        assertThat(function.memoryMiB()).isEqualTo(512);
        assertThat(function.environment()).containsKeys("SHARED", "LEVEL", "CLUSTER_ARN", "CLUSTER_NAME", "PLAIN");
        assertThat(template.localEnvironment(function))
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("SHARED", "from-globals", "LEVEL", "debug", "PLAIN", "7"));
        assertThat(template.function("FleetMonitorFunction")).contains(function);
        assertThat(template.function("fleet")).isEmpty();
    }

    @Test
    void read_notATemplate_namesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("other.yaml");
        Files.writeString(file, "just: a map\n");

        assertThatThrownBy(() -> SamTemplate.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ": not a CloudFormation template (no Resources)");
    }

    @Test
    void shortName_ofLogicalIds_isKebabCaseWithoutFunction() {
        assertThat(new FunctionSpec("RegisterAlgorithmFunction", "a::b", ".", java.util.Map.of(), 3, 128).shortName())
                .isEqualTo("register-algorithm");
        assertThat(new FunctionSpec("TaskEventsFunction", "a::b", ".", java.util.Map.of(), 3, 128).shortName())
                .isEqualTo("task-events");
    }
}
