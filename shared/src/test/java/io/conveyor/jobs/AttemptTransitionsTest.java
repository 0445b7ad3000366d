package io.conveyor.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobEvent.AttemptEnded;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * News about an attempt that the record has moved past: an earlier attempt, a version already applied,
 * a report of an attempt that is over. Each is older news: the record stays as it is, nothing is queued,
 * and the note (which the drivers log) says why.
 */
class AttemptTransitionsTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    static final String TASK = "arn:aws:ecs:us-east-1:123456789012:task/conveyor/aaaa";
    static final NewJob JOB = NewJob.of(new NewJob.JobInput("s3://in/inputs/wc/a.txt", "v1"),
            new NewJob.AlgorithmRevision("wc", "r1", 3)).withOutput("s3://out/outputs/wc/a.txt/x/");

    @Test
    void attemptEnded_ofAnEarlierAttempt_isStaleAndNamesTheCurrentOne() {
        // Given a job whose first attempt failed and whose second attempt started
        JobRecord second = after(running(), AttemptEnded.of(1, new JobEvent.ExitCode(3, null, null))
                .withTask(task(1, TASK, 5, "STOPPED")), new JobEvent.StartRequested("ci-2"));

        // When the first attempt's stop arrives once more
        Transition late = JobLifecycle.apply(second, AttemptEnded.of(1, new JobEvent.ExitCode(3, null, null))
                .withTask(task(1, TASK, 6, "STOPPED")), T0);

        // Then the second attempt is untouched
        assertThat(late.kind()).isEqualTo(Transition.Kind.STALE);
        assertThat(late.after()).isSameAs(second);
        assertThat(late.effects()).isEmpty();
        assertThat(late.note()).isEqualTo("an earlier attempt's task (the job is at attempt 2)");
    }

    @Test
    void taskRunning_theVersionAlreadyApplied_isStaleButANewerOneIsOnlyNothingNew() {
        // Given a job whose task ECS reported RUNNING at version 3
        JobRecord running = running();

        // When the same change comes again, and a newer RUNNING change comes
        Transition duplicate = JobLifecycle.apply(running, JobEvent.TaskRunning.onEcs(task(1, TASK, 3, "RUNNING")), T0);
        Transition newer = JobLifecycle.apply(running, JobEvent.TaskRunning.onEcs(task(1, TASK, 4, "RUNNING")), T0);

        // Then the duplicate is older news, the newer one is current but changes nothing
        assertThat(duplicate.kind()).isEqualTo(Transition.Kind.STALE);
        assertThat(duplicate.note()).isEqualTo("version 3 is not newer than 3");
        assertThat(newer.kind()).isEqualTo(Transition.Kind.UNCHANGED);
        assertThat(newer.note()).isEqualTo("already running");
    }

    @Test
    void taskRunning_lateLocalReportOfAnAttemptThatFailed_isStaleAndKeepsNoProcess() {
        // Given a local job whose first attempt's process ran and failed (it is queued for its second)
        JobRecord starting = after(JobLifecycle.admit(JOB, T0), new JobEvent.StartRequested(null));
        JobRecord failed = after(after(starting, JobEvent.TaskRunning.asProcess(1, 4242, "t")),
                AttemptEnded.of(1, new JobEvent.ExitCode(1, null, "boom")));

        // When that attempt's start is reported again
        Transition late = JobLifecycle.apply(failed, JobEvent.TaskRunning.asProcess(1, 4242, "t"), T0);

        // Then nothing runs it any more
        assertThat(failed.state()).isEqualTo(JobState.QUEUED);
        assertThat(late.kind()).isEqualTo(Transition.Kind.STALE);
        assertThat(late.after().pid()).isNull();
        assertThat(late.note()).isEqualTo("the job is QUEUED, not running this attempt");
    }

    @Test
    void attemptEnded_lateStopOfAnAttemptRetriedByHand_isStaleAndQueuesNothingMore() {
        // Given a running job that Conveyor gave up on, and that somebody then asked to run again
        JobRecord abandoned = after(running(), new JobEvent.Abandoned("Conveyor could not finish this job"));
        Transition retry = JobLifecycle.apply(abandoned, new JobEvent.RetryRequested(1, "retried by alice"), T0);
        JobRecord retried = retry.after();

        // When the abandoned attempt's task stops at last
        Transition late = JobLifecycle.apply(retried, AttemptEnded.of(1, new JobEvent.ExitCode(137, null, null))
                .withTask(task(1, TASK, 5, "STOPPED")), T0);

        // Then the retry's own message places it: the stop neither changes the record nor queues it twice
        assertThat(retry.effects()).containsExactly(new Effect.Enqueue(List.of(JOB.id())));
        assertThat(late.kind()).isEqualTo(Transition.Kind.STALE);
        assertThat(late.effects()).isEmpty();
        assertThat(late.after()).isSameAs(retried);
    }

    // ------------------------------------------------------------------ fixtures

    /** A job whose attempt 1 runs as an ECS task, last seen at version 3. */
    static JobRecord running() {
        return after(after(JobLifecycle.admit(JOB, T0), new JobEvent.StartRequested("ci-1")),
                JobEvent.TaskRunning.onEcs(task(1, TASK, 3, "RUNNING")));
    }

    static JobRecord after(JobRecord record, JobEvent... events) {
        Transition transition = JobLifecycle.apply(record, List.of(events), T0);
        assertThat(transition.kind()).as(List.of(events) + " on " + record.state()).isNotEqualTo(Transition.Kind.STALE);
        return transition.after();
    }

    static TaskRun task(int attempt, String arn, long version, String status) {
        return new TaskRun(attempt, arn, version, status, null, null, null, null, null);
    }
}
