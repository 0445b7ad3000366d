package io.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.config.Environment;
import io.conveyor.json.Json;
import io.conveyor.testing.EcsFleet;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * {@code conveyor invoke} on the sample events under events/, against moto.
 */
@AwsEmulator
class InvokeIT {

    static final Path HOME = Path.of(System.getProperty("conveyor.home", "..")).toAbsolutePath().normalize();

    /** What one run printed and returned. */
    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return Json.mapper().readTree(out);
        }
    }

    static Run invoke(Emulator emulator, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> command = new ArrayList<>(List.of("invoke"));
        command.addAll(List.of(args));
        Environment process = Environment.of(Map.of("AWS_REGION", Emulator.REGION,
                "AWS_ENDPOINT_URL", emulator.endpoint().toString()));
        int exit = Conveyor.run(command, process, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8).trim(), err.toString(StandardCharsets.UTF_8).trim());
    }

    static String event(String name) {
        return HOME.resolve("events").resolve(name).toString();
    }

    static final String ENV_VARS = HOME.resolve("events/env-vars.json").toString();

    /** The output bucket events/env-vars.json names. */
    static void createOutputBucket(Emulator emulator) {
        try (var s3 = emulator.clients().s3()) {
            s3.createBucket(r -> r.bucket("conveyor-123456789012-us-east-1-out"));
        }
    }

    @Test
    void invoke_fleetMonitorHeartbeat_reportsTheInstancesInMoto(Emulator emulator) throws Exception {
        // Given the cluster the sample env-vars name, with one idle container instance
        String instanceId;
        try (EcsClient ecs = emulator.clients().ecs(); Ec2Client ec2 = emulator.clients().ec2()) {
            ecs.createCluster(r -> r.clusterName("conveyor"));
            instanceId = EcsFleet.launchContainerInstances(ec2, ecs, "conveyor", 1).get(0);
        }

        // When
        Run run = invoke(emulator, "fleet-monitor", "--event", event("fleet-monitor/scheduled.json"), "--env-vars", ENV_VARS);

        // Then the handler's response is on stdout, as Lambda would serialize it
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode report = run.json();
        assertThat(report.path("instances")).hasSize(1);
        assertThat(report.path("instances").get(0).path("ec2InstanceId").asText()).isEqualTo(instanceId);
        assertThat(report.path("idle").asInt()).isEqualTo(1);
    }

    @Test
    void invoke_dispatchBatchWithAMalformedMessage_printsThatMessageAsTheOnlyFailure(Emulator emulator) throws Exception {
        createOutputBucket(emulator);

        Run run = invoke(emulator, "DispatchFunction", "--event", event("dispatch/batch-with-malformed.json"),
                "--env-vars", ENV_VARS);

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.json().path("batchItemFailures")).singleElement()
                .satisfies(failure -> assertThat(failure.path("itemIdentifier").asText())
                        .isEqualTo("2e1424d4-f796-459a-8184-9c92662be6d1"));
    }

    @Test
    void invoke_everySampleEvent_runsItsFunction(Emulator emulator) throws Exception {
        // Dispatch keeps job records (here: rejections, as no algorithm is registered) in the output bucket
        createOutputBucket(emulator);
        for (String[] sample : List.of(
                new String[] {"register-algorithm", "register-algorithm/descriptor-created.json"},
                new String[] {"register-algorithm", "register-algorithm/descriptor-removed.json"},
                new String[] {"register-algorithm", "register-algorithm/s3-test-event.json"},
                new String[] {"dispatch", "dispatch/input-created.json"},
                new String[] {"capacity", "capacity/need-sent.json"},
                new String[] {"task-events", "task-events/task-stopped.json"},
                new String[] {"task-events", "task-events/task-running-and-stopped.json"},
                new String[] {"fleet-monitor", "fleet-monitor/instance-stopped.json"})) {
            Run run = invoke(emulator, sample[0], "--event", event(sample[1]), "--env-vars", ENV_VARS);

            assertThat(run.exit()).as(sample[1] + ": " + run.err()).isZero();
            JsonNode response = run.json();
            if (sample[0].equals("fleet-monitor")) {
                assertThat(response.path("instances").isArray()).as(sample[1]).isTrue();
            } else {
                assertThat(response.path("batchItemFailures").isArray()).as(sample[1]).isTrue();
                assertThat(response.path("batchItemFailures")).as(sample[1]).isEmpty();
            }
        }
    }

    @Test
    void invoke_functionMissingItsVariable_exitsTwoNamingIt(Emulator emulator) {
        Run run = invoke(emulator, "task-events", "--event", event("task-events/task-stopped.json"));

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("conveyor: TaskEventsFunction could not start: environment variable "
                + "CLUSTER_ARN is not set; the template (or --env-vars) must provide it");
    }

    @Test
    void invoke_handlerThrows_printsLambdasErrorShapeAndExitsOne(Emulator emulator, @TempDir Path dir) throws Exception {
        Path event = dir.resolve("cloudtrail.json");
        Files.writeString(event, Files.readString(Path.of(event("fleet-monitor/scheduled.json")))
                .replace("\"Scheduled Event\"", "\"AWS API Call via CloudTrail\""));

        Run run = invoke(emulator, "fleet-monitor", "--event", event.toString(), "--env-vars", ENV_VARS);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.json().path("errorType").asText()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(run.json().path("errorMessage").asText()).startsWith("detail-type: 'AWS API Call via CloudTrail'");
    }

    @Test
    void invoke_badInput_exitsTwoWithOneLine(Emulator emulator, @TempDir Path dir) throws Exception {
        Path malformed = dir.resolve("malformed.json");
        Files.writeString(malformed, "{\n  \"Records\": [\n");
        Path envVars = dir.resolve("env.json");
        Files.writeString(envVars, "{\"TaskEventsFunction\": {\"CLUSTER_ARN\": \"arn:x\", \"INPUT_BUCKET\": \"i\", "
                + "\"OUTPUT_BUCKET\": \"b\", \"JOBS_QUEUE_URL\": \"https://q\", \"JOB_INDEX_TABLE\": \"t\", \"STACK_NAME\": \"s\", "
                + "\"NOT_DECLARED\": \"1\"}}");

        Run unknown = invoke(emulator, "nope", "--event", event("fleet-monitor/scheduled.json"));
        Run missing = invoke(emulator, "dispatch", "--event", dir.resolve("absent.json").toString());
        Run broken = invoke(emulator, "dispatch", "--event", malformed.toString());
        Run noEvent = invoke(emulator, "dispatch");
        Run undeclared = invoke(emulator, "task-events", "--event", event("task-events/task-stopped.json"),
                "--env-vars", envVars.toString());

        assertThat(List.of(unknown, missing, broken, noEvent)).allSatisfy(run -> {
            assertThat(run.exit()).isEqualTo(2);
            assertThat(run.out()).isEmpty();
        });
        assertThat(unknown.err()).isEqualTo("conveyor: unknown function 'nope'; " + HOME.resolve("template.yaml")
                + " has: register-algorithm (RegisterAlgorithmFunction), dispatch (DispatchFunction), capacity (CapacityFunction), "
                + "task-events (TaskEventsFunction), fleet-monitor (FleetMonitorFunction), reconcile (ReconcileFunction), "
                + "teardown (TeardownFunction)");
        assertThat(missing.err()).isEqualTo("conveyor: cannot read event file " + dir.resolve("absent.json")
                + ": no such file");
        assertThat(broken.err()).startsWith("conveyor: " + malformed + ": event file is not valid JSON: line 3, column 1:");
        assertThat(noEvent.err()).startsWith("conveyor invoke: missing required option: '--event=FILE'");
        assertThat(undeclared.exit()).isZero();
        assertThat(undeclared.err()).contains("NOT_DECLARED is not declared for TaskEventsFunction in the template; ignored");
    }
}
