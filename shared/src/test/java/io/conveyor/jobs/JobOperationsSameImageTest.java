package io.conveyor.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.testing.InMemoryJobStore;
import io.conveyor.testing.InMemoryRegistry;
import io.conveyor.testing.JobFixtures;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code retry --same-image}: which attempt's image is pinned, what the record keeps, what is refused. */
class JobOperationsSameImageTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    static final String DIGEST_1 = "sha256:" + "1".repeat(64);
    static final String DIGEST_2 = "sha256:" + "2".repeat(64);
    static final String WORD_COUNT = """
            {"name": "word-count", "image": "busybox:1.36", "command": ["wc", "${CONVEYOR_INPUT}"],
             "resources": {"vcpu": 1, "memoryMiB": 512}, "retries": 2}""";

    final InMemoryRegistry registry = new InMemoryRegistry();
    final InMemoryJobStore jobs = new InMemoryJobStore();
    final List<List<String>> queued = new ArrayList<>();
    /** Each pin asked for: task definition, container, digest, job. */
    final List<List<String>> pins = new ArrayList<>();
    final PinnedTaskDefinitions recordingPins = (taskDefinitionArn, container, digest, jobId) -> {
        pins.add(List.of(taskDefinitionArn, container, digest, jobId));
        return "arn:td/word-count:" + (10 + pins.size());
    };
    String revision;

    @BeforeEach
    void register() {
        revision = registry.register(WORD_COUNT);
    }

    JobOperations operations(PinnedTaskDefinitions with) {
        return new JobOperations(jobs, ids -> queued.add(List.copyOf(ids)), (a, t, r) -> 0, registry, with,
                Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC));
    }

    @Test
    void retry_sameImageAfterTheAlgorithmChanged_pinsTheLastAttemptsDigestAndKeepsTheRevision() {
        // Given a job that failed twice, each attempt on its own task definition and digest; then a new revision
        JobRecord record = failed(run(1, "arn:td/word-count:1", DIGEST_1), run(2, "arn:td/word-count:2", DIGEST_2));
        jobs.create(record);
        registry.register(WORD_COUNT.replace("busybox:1.36", "busybox:1.37"));

        // When alice retries it on the same image
        JobOperations.Outcome outcome = operations(recordingPins).retry(record.id(),
                new JobOperations.RetryOptions("alice", false, true));

        // Then attempt 2's task definition is pinned to its digest, and the job is queued on it, on its own revision
        assertThat(pins).containsExactly(List.of("arn:td/word-count:2", "algorithm", DIGEST_2, record.id()));
        JobRecord after = jobs.get(record.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(JobState.QUEUED);
        assertThat(after.pinnedTaskDefinition()).isEqualTo("arn:td/word-count:11");
        assertThat(after.revision()).isEqualTo(revision);
        assertThat(outcome.kind()).isEqualTo(JobOperations.Outcome.Kind.DONE);
        assertThat(outcome.revisionChanged()).isFalse();
        assertThat(outcome.message()).contains("on the image " + DIGEST_2 + " of attempt 2")
                .contains("arn:td/word-count:11");
        assertThat(queued).containsExactly(List.of(record.id()));
    }

    @Test
    void retry_sameImageWhenTheLastAttemptHasNoDigest_pinsAnEarlierAttemptsImage() {
        // Given attempt 2 stopped before ECS reported a digest
        JobRecord record = failed(run(1, "arn:td/word-count:1", DIGEST_1), run(2, "arn:td/word-count:1", null));
        jobs.create(record);

        operations(recordingPins).retry(record.id(), new JobOperations.RetryOptions("alice", false, true));

        assertThat(pins).containsExactly(List.of("arn:td/word-count:1", "algorithm", DIGEST_1, record.id()));
    }

    @Test
    void retry_sameImageWithoutAnyDigestOrTaskDefinition_isNothingToDoAndRegistersNothing() {
        // Given one attempt with a digest but no task definition (an older record), one with neither
        JobRecord record = failed(run(1, null, DIGEST_1), run(2, "arn:td/word-count:1", null));
        jobs.create(record);

        JobOperations.Outcome outcome = operations(recordingPins).retry(record.id(),
                new JobOperations.RetryOptions("alice", false, true));

        assertThat(outcome.kind()).isEqualTo(JobOperations.Outcome.Kind.NOTHING_TO_DO);
        assertThat(outcome.message()).startsWith("--same-image: no attempt of job " + record.id())
                .contains("there is no image to run again");
        assertThat(pins).isEmpty();
        assertThat(queued).isEmpty();
        assertThat(jobs.get(record.id()).orElseThrow()).isEqualTo(record);
    }

    @Test
    void retry_sameImageOfASucceededJobWithoutForce_registersNothing() {
        // Given a job that succeeded on attempt 1
        JobRecord record = JobFixtures.after(queued(), T0, new JobEvent.StartRequested("ci-1"),
                JobEvent.TaskRunning.onEcs(run(1, "arn:td/word-count:1", DIGEST_1)),
                JobEvent.AttemptEnded.of(1, new JobEvent.Succeeded()));
        jobs.create(record);

        JobOperations.Outcome outcome = operations(recordingPins).retry(record.id(),
                new JobOperations.RetryOptions("alice", false, true));

        assertThat(outcome.kind()).isEqualTo(JobOperations.Outcome.Kind.NOTHING_TO_DO);
        assertThat(outcome.message()).isEqualTo("the job SUCCEEDED: only a forced retry runs it again");
        assertThat(pins).isEmpty();
    }

    @Test
    void retry_withoutSameImage_clearsThePin() {
        // Given a job pinned by an earlier --same-image retry, which failed again
        JobRecord record = failed(run(1, "arn:td/word-count:1", DIGEST_1));
        jobs.create(record);
        operations(recordingPins).retry(record.id(), new JobOperations.RetryOptions("alice", false, true));
        JobRecord pinned = jobs.get(record.id()).orElseThrow();
        assertThat(pinned.pinnedTaskDefinition()).isNotNull();
        jobs.replace(JobFixtures.after(pinned, T0, new JobEvent.StartRequested("ci-1"),
                new JobEvent.Abandoned("broke again")), jobs.read(record.id()).orElseThrow().version());

        // When bob retries it plainly
        operations(recordingPins).retry(record.id(), new JobOperations.RetryOptions("bob", false));

        // Then it runs on the algorithm's registered task definition again
        JobRecord after = jobs.get(record.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(JobState.QUEUED);
        assertThat(after.pinnedTaskDefinition()).isNull();
    }

    @Test
    void retry_sameImageWhereNothingCanBePinned_isNothingToDoSayingWhy() {
        // Given a target whose pinning refuses (the local mode runs no images)
        JobRecord record = failed(run(1, "arn:td/word-count:1", DIGEST_1));
        jobs.create(record);

        JobOperations.Outcome outcome = operations(PinnedTaskDefinitions.refusing(
                "the local mode runs no container images")).retry(record.id(),
                new JobOperations.RetryOptions("alice", false, true));

        assertThat(outcome.kind()).isEqualTo(JobOperations.Outcome.Kind.NOTHING_TO_DO);
        assertThat(outcome.message()).isEqualTo("--same-image: the local mode runs no container images");
        assertThat(jobs.get(record.id()).orElseThrow()).isEqualTo(record);
        assertThat(queued).isEmpty();
    }

    // ------------------------------------------------------------------ fixtures

    JobRecord queued() {
        return JobFixtures.queued(JobFixtures.job("s3://in/inputs/word-count/a.txt", "v1", "word-count", revision, 3)
                .withOutput("s3://out/outputs/word-count/a.txt/"), T0);
    }

    /** A job whose attempts ran as given (through the lifecycle), the last one abandoned: FAILED. */
    JobRecord failed(TaskRun... runs) {
        JobRecord record = queued();
        for (TaskRun run : runs) {
            record = JobFixtures.after(record, T0, new JobEvent.StartRequested("ci-1"), JobEvent.TaskRunning.onEcs(run));
            record = JobFixtures.after(record, T0, run.attempt() == runs.length ? new JobEvent.Abandoned("broke")
                    : JobEvent.AttemptEnded.of(run.attempt(), new JobEvent.ExitCode(1, null, null)));
        }
        return record;
    }

    static TaskRun run(int attempt, String taskDefinitionArn, String digest) {
        return new TaskRun(attempt, "arn:aws:ecs:us-east-1:123456789012:task/conveyor/t" + attempt, 3, "RUNNING", null,
                null, null, null, null, null, digest == null ? null : Map.of("algorithm", digest), taskDefinitionArn);
    }
}
