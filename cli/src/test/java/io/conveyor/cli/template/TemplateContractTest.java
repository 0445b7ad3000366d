package io.conveyor.cli.template;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.storage.BucketLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateContractTest {

    static final Path HOME = Path.of(System.getProperty("conveyor.home", "..")).toAbsolutePath().normalize();

    @Test
    void check_theProject_breaksNoRule() throws IOException {
        assertThat(TemplateContract.check(HOME)).isEmpty();
    }

    @Test
    void check_brokenProject_namesEachBrokenRule(@TempDir Path root) throws IOException {
        // Given a template whose functions break each rule once
        Files.writeString(root.resolve("template.yaml"), """
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Timeout: 60
                Resources:
                  Queue:
                    Type: AWS::SQS::Queue
                    Properties:
                      VisibilityTimeout: 120
                  MissingFunction:
                    Type: AWS::Serverless::Function
                    Metadata:
                      BuildMethod: makefile
                    Properties:
                      Handler: io.conveyor.functions.gone.GoneHandler::handleRequest
                  UndeclaredFunction:
                    Type: AWS::Serverless::Function
                    Metadata:
                      BuildMethod: makefile
                    Properties:
                      Handler: io.conveyor.cli.fixtures.ReadsUndeclaredVariableHandler::handleRequest
                      Environment:
                        Variables:
                          UNUSED_SETTING: x
                      Events:
                        Work:
                          Type: SQS
                          Properties:
                            Queue: !GetAtt Queue.Arn
                """);
        Files.writeString(root.resolve("Makefile"), """
                build-MissingFunction:
                \t$(call lambda,functions/gone)

                build-UndeclaredFunction:
                \t$(call lambda,functions/fixture)
                """);
        Path fixture = root.resolve("functions/fixture/src/main/java/io/conveyor/cli/fixtures");
        Files.createDirectories(fixture);
        Files.writeString(fixture.resolve("ReadsUndeclaredVariableHandler.java"), "// stands for the module's source");

        // When
        List<String> violations = TemplateContract.check(root);

        // Then
        assertThat(violations).containsExactlyInAnyOrder(
                "MissingFunction: handler io.conveyor.functions.gone.GoneHandler is not in module functions/gone "
                        + "(no functions/gone/src/main/java/io/conveyor/functions/gone/GoneHandler.java)",
                "MissingFunction: handler class io.conveyor.functions.gone.GoneHandler does not exist",
                "UndeclaredFunction: code reads UNDECLARED_VARIABLE, which the template does not give it",
                "UndeclaredFunction: the template gives UNUSED_SETTING, which no code reads",
                "UndeclaredFunction.Events.Work: FunctionResponseTypes must include ReportBatchItemFailures",
                "Queue: no RedrivePolicy to a dead-letter queue",
                "Queue: VisibilityTimeout 120 is under six times the timeout of UndeclaredFunction (60 s)");
    }

    @Test
    void template_bucketNotifications_useTheBucketLayoutsPrefixes() throws IOException {
        Map<String, Object> bucket = SamTemplate.read(HOME.resolve("template.yaml")).resources().get("InputBucket");

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> queues = (List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>)
                bucket.get("Properties")).get("NotificationConfiguration")).get("QueueConfigurations");
        List<String> prefixes = new ArrayList<>();
        for (Map<String, Object> queue : queues) {
            prefixes.add(String.valueOf(((Map<?, ?>) ((List<?>) ((Map<?, ?>) ((Map<?, ?>) queue.get("Filter"))
                    .get("S3Key")).get("Rules")).get(0)).get("Value")));
        }

        assertThat(prefixes).containsOnly(BucketLayout.ALGORITHMS_PREFIX, BucketLayout.INPUTS_PREFIX)
                .contains(BucketLayout.ALGORITHMS_PREFIX, BucketLayout.INPUTS_PREFIX);
    }

    @Test
    void mainSources_readEnvironmentVariablesOnlyThroughEnvironment() throws IOException {
        // Given every main source file of the reactor
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(HOME)) {
            files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> file.toString().contains("/src/main/java/"))
                    .filter(file -> !file.endsWith("io/conveyor/config/Environment.java"))
                    .forEach(file -> {
                        try {
                            if (Files.readString(file).contains("System.getenv")) {
                                offenders.add(HOME.relativize(file).toString());
                            }
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
        }

        // Then none reads the environment behind the contract test's back
        assertThat(offenders).isEmpty();
    }
}
