package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobLogs;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.TaskRun;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import io.conveyor.testing.JobFixtures;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

@AwsEmulator
class CloudWatchJobLogsIT {

    static final String GROUP = "/conveyor/tasks";
    static final String TASK = "arn:aws:ecs:us-east-1:123456789012:task/conveyor/5f2a0c0ffee";
    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void read_containerThatWrote_givesItsLinesThenOnlyWhatCameSince(Emulator emulator) {
        try (CloudWatchLogsClient logs = emulator.clients().logs()) {
            // Given a job whose attempt 1 ran, and its algorithm container's stream with three lines
            JobRecord job = running(TaskDefinitionWrapper.logStreams("wc", TASK));
            logs.createLogGroup(r -> r.logGroupName(GROUP));
            logs.createLogStream(r -> r.logGroupName(GROUP).logStreamName("wc/algorithm/5f2a0c0ffee"));
            put(logs, "wc/algorithm/5f2a0c0ffee", 0, "one", "two", "three");
            CloudWatchJobLogs reader = new CloudWatchJobLogs(logs, GROUP);

            // When it is read from the start, again from its cursor, and after two more lines came
            JobLogs.Page first = reader.read(job, 1, "algorithm", null);
            JobLogs.Page idle = reader.read(job, 1, "algorithm", first.cursor());
            put(logs, "wc/algorithm/5f2a0c0ffee", 3, "four", "five");
            JobLogs.Page next = reader.read(job, 1, "algorithm", idle.cursor());

            // Then each page holds what was not read yet, in order
            assertThat(first.found()).isTrue();
            assertThat(first.lines()).containsExactly("one", "two", "three");
            assertThat(first.cursor()).isNotBlank();
            assertThat(idle.lines()).isEmpty();
            assertThat(next.lines()).containsExactly("four", "five");
        }
    }

    @Test
    void read_containerWithoutStreamOrAttemptWithoutTask_isNotFound(Emulator emulator) {
        try (CloudWatchLogsClient logs = emulator.clients().logs()) {
            JobRecord job = running(TaskDefinitionWrapper.logStreams("wc", TASK));
            logs.createLogGroup(r -> r.logGroupName(GROUP));
            CloudWatchJobLogs reader = new CloudWatchJobLogs(logs, GROUP);

            assertThat(reader.read(job, 1, "stage-out", null)).isEqualTo(JobLogs.Page.missing());
            assertThat(reader.read(job, 2, "algorithm", null)).isEqualTo(JobLogs.Page.missing());
            assertThatThrownBy(() -> reader.read(job, 1, "sidecar", null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("container: expected one of stage-in, algorithm, stage-out, was 'sidecar'");
        }
    }

    @Test
    void read_recordWrittenBeforeItKeptItsStreams_readsTheStreamAwslogsNamed(Emulator emulator) {
        try (CloudWatchLogsClient logs = emulator.clients().logs()) {
            JobRecord job = running(null);
            logs.createLogGroup(r -> r.logGroupName(GROUP));
            logs.createLogStream(r -> r.logGroupName(GROUP).logStreamName("wc/stage-in/5f2a0c0ffee"));
            put(logs, "wc/stage-in/5f2a0c0ffee", 0, "download: s3://in/inputs/wc/a.txt");

            JobLogs.Page page = new CloudWatchJobLogs(logs, GROUP).read(job, 1, "stage-in", null);

            assertThat(page.lines()).containsExactly("download: s3://in/inputs/wc/a.txt");
        }
    }

    static JobRecord running(java.util.Map<String, String> streams) {
        TaskRun run = new TaskRun(1, TASK, 3, "RUNNING", null, null, null, null, null, streams, null);
        return JobFixtures.after(JobFixtures.queued(JobFixtures.job("s3://in/inputs/wc/a.txt", "v1", "wc", "r1", 1), T0),
                T0, new JobEvent.StartRequested("ci-1"), JobEvent.TaskRunning.onEcs(run));
    }

    static void put(CloudWatchLogsClient logs, String stream, int from, String... lines) {
        long at = System.currentTimeMillis();
        List<InputLogEvent> events = IntStream.range(0, lines.length)
                .mapToObj(i -> InputLogEvent.builder().timestamp(at + from + i).message(lines[i]).build()).toList();
        logs.putLogEvents(r -> r.logGroupName(GROUP).logStreamName(stream).logEvents(events));
    }
}
