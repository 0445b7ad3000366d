package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.dispatch.TaskStart;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.StartTaskRequest;
import software.amazon.awssdk.services.ecs.model.StartTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * What each answer of StartTask means for the job (moto never returns {@code failures[]} nor these
 * errors, so they are scripted here).
 */
class EcsTaskStartsTest {

    static final TaskStart START = new TaskStart("job-000000000000000000000001", 1, "arn:td/wc:1", "arn:ci/1",
            Map.of("algorithm", Map.of("CONVEYOR_JOB_ID", "job-000000000000000000000001")), List.of("wc"), Map.of("conveyor:job", "job-000000000000000000000001"));

    @Test
    void start_accepted_isStartedWithTheTaskArn() {
        TaskStart.Result result = startAnswering(() -> StartTaskResponse.builder()
                .tasks(Task.builder().taskArn("arn:task/1").build()).build());

        assertThat(result).isEqualTo(new TaskStart.Result.Started("arn:task/1"));
    }

    @Test
    void start_failuresEntry_isRefusedAndMayBeRetried() {
        TaskStart.Result result = startAnswering(() -> StartTaskResponse.builder()
                .failures(Failure.builder().reason("RESOURCE:MEMORY").arn("arn:ci/1").build()).build());

        assertThat(result).isEqualTo(new TaskStart.Result.Refused("RESOURCE:MEMORY on arn:ci/1", true,
                TaskStart.Result.Why.INSTANCE));
        assertThat(((TaskStart.Result.Refused) result).clusterDiffers()).isTrue();
    }

    @Test
    void start_throttled_isRefusedAndMayBeRetried() {
        TaskStart.Result result = startAnswering(() -> {
            throw error(400, "ThrottlingException");
        });

        assertThat(result).isInstanceOfSatisfying(TaskStart.Result.Refused.class, refused -> {
            assertThat(refused.retriable()).isTrue();
            assertThat(refused.why()).isEqualTo(TaskStart.Result.Why.THROTTLED);
            assertThat(refused.clusterDiffers()).isFalse();  // a throttle says nothing of the cluster
        });
    }

    @Test
    void start_serverErrorOrNoAnswer_isInDoubt() {
        assertThat(startAnswering(() -> {
            throw error(500, "ServerException");
        })).isInstanceOf(TaskStart.Result.Unknown.class);
        assertThat(startAnswering(() -> {
            throw SdkClientException.create("Read timed out");
        })).isInstanceOf(TaskStart.Result.Unknown.class);
    }

    @Test
    void start_otherClientError_isRefusedForGoodSayingNothingMore() {
        TaskStart.Result result = startAnswering(() -> {
            throw error(400, "ClientException");
        });

        assertThat(result).isInstanceOfSatisfying(TaskStart.Result.Refused.class, refused -> {
            assertThat(refused.retriable()).isFalse();
            assertThat(refused.definitionGone()).isFalse();
        });
    }

    @Test
    void start_definitionInactiveOrUnknown_isRefusedForGoodAsTheDefinitionGone() {
        // ECS's words for a deregistered revision (RunTask/StartTask) and for one it does not know
        for (String[] answer : List.of(new String[] {"InvalidParameterException", "TaskDefinition is inactive"},
                new String[] {"ClientException", "TaskDefinition not found."},
                new String[] {"ClientException", "Unable to describe task definition."})) {
            TaskStart.Result result = startAnswering(() -> {
                throw error(400, answer[0], answer[1]);
            });

            assertThat(result).as(answer[1]).isInstanceOfSatisfying(TaskStart.Result.Refused.class, refused -> {
                assertThat(refused.retriable()).isFalse();
                assertThat(refused.why()).isEqualTo(TaskStart.Result.Why.DEFINITION_GONE);
                assertThat(refused.clusterDiffers()).isFalse();
            });
        }
    }

    @Test
    void start_accessDenied_isConveyorsFaultNotTheJobs() {
        EcsContainerScheduler ecs = scheduler(() -> {
            throw error(400, "AccessDeniedException");
        });

        assertThatThrownBy(() -> ecs.start(List.of(START))).isInstanceOf(EcsException.class);
    }

    private static TaskStart.Result startAnswering(Supplier<StartTaskResponse> answer) {
        return scheduler(answer).start(List.of(START)).get(0);
    }

    private static EcsContainerScheduler scheduler(Supplier<StartTaskResponse> answer) {
        EcsClient client = new EcsClient() {
            @Override
            public StartTaskResponse startTask(StartTaskRequest request) {
                assertThat(request.startedBy()).isEqualTo("job-000000000000000000000001-1");
                assertThat(request.containerInstances()).containsExactly("arn:ci/1");
                return answer.get();
            }

            @Override
            public String serviceName() {
                return "ecs";
            }

            @Override
            public void close() {
            }
        };
        return new EcsContainerScheduler(client, "conveyor");
    }

    private static EcsException error(int status, String code) {
        return error(status, code, code + " happened");
    }

    private static EcsException error(int status, String code, String message) {
        return (EcsException) EcsException.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
                .build();
    }
}
