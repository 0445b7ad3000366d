package io.conveyor.batch;

import static io.conveyor.batch.BatchFixtures.T0;
import static io.conveyor.batch.BatchFixtures.file;
import static io.conveyor.batch.BatchFixtures.manifest;
import static io.conveyor.batch.BatchFixtures.open;
import static io.conveyor.batch.BatchFixtures.pipeline;
import static io.conveyor.batch.BatchFixtures.run;
import static io.conveyor.batch.BatchFixtures.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.batch.BatchDecision.Completed;
import io.conveyor.batch.BatchDecision.Failed;
import io.conveyor.batch.BatchDecision.LateFile;
import io.conveyor.batch.BatchDecision.LookAgain;
import io.conveyor.batch.BatchDecision.MakeGather;
import io.conveyor.batch.BatchDecision.MakeMembers;
import io.conveyor.batch.BatchRecord.State;
import io.conveyor.jobs.JobId;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.pipeline.BatchRule.Completion;
import io.conveyor.pipeline.BatchRule.MemberFailure;
import io.conveyor.pipeline.Pipeline;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scripted event orders through {@link BatchLifecycle}: completion, failure, late files, and the one gather. */
class BatchLifecycleTest {

    static final Pipeline BY_MANIFEST = pipeline(Completion.MANIFEST, MemberFailure.FAIL);
    static final Instant NOW = T0.plusSeconds(600);

    static List<BatchEvent> inOrder() {
        return List.of(file("a.csv", 1), file("b.csv", 2), manifest(3, "a.csv", "b.csv"),
                succeeded("a.csv", 60), succeeded("b.csv", 70));
    }

    @Test
    void apply_manifestAndFilesInOrder_completesThenGathersOnceEveryMemberEnded() {
        // Given a batch whose two files and manifest arrive, then whose two count jobs succeed
        // When the events are applied in order
        BatchFixtures.Run run = run(open(BY_MANIFEST), BY_MANIFEST, inOrder(), NOW);

        // Then the batch completed at the manifest's arrival with both files, and one gather takes both jobs
        assertThat(run.record().state()).isEqualTo(State.COMPLETE);
        assertThat(run.record().endedAt()).isEqualTo(T0.plusSeconds(3).toString());
        assertThat(run.all(Completed.class)).containsExactly(new Completed(List.of("a.csv", "b.csv")));
        assertThat(run.all(MakeGather.class)).hasSize(1);
        MakeGather gather = run.all(MakeGather.class).getFirst();
        assertThat(gather.step()).isEqualTo("sum");
        assertThat(gather.taken()).containsExactly("job-count-a.csv", "job-count-b.csv");
        assertThat(gather.skipped()).isEmpty();
        assertThat(run.record().gathers().get("sum").jobId()).isEqualTo(gather.jobId());
        assertThat(run.record().members("sum")).containsOnlyKeys(gather.jobId());
    }

    @Test
    void apply_gatherDecided_jobIdIsTheGatherJobsIdFromItsPlaceAlone() {
        // Given the gather decided for the batch
        MakeGather gather = run(open(BY_MANIFEST), BY_MANIFEST, inOrder(), NOW).all(MakeGather.class).getFirst();

        // When the driver makes its job, with whatever algorithm revision and input folder it has
        PipelinePlace place = new PipelinePlace("counts", "rev-1", BatchFixtures.BATCH, "sum", Map.of("mode", "total"));
        NewJob job = NewJob.of(new NewJob.JobInput("s3://out/batches/counts/2026-11-29/count/",
                NewJob.GATHER_INPUT_VERSION), new NewJob.AlgorithmRevision("sum", "sha-of-sum", 2)).withPlace(place);

        // Then its id is the one decided, derived from (pipeline, revision, batch, step)
        assertThat(gather.place()).isEqualTo(place);
        assertThat(job.id()).isEqualTo(gather.jobId()).isEqualTo(JobId.ofGather(place));
        assertThat(JobId.ofGather(place.withParameters(Map.of()))).isNotEqualTo(gather.jobId());
    }

    @Test
    void apply_reversedOrder_sameRecordAndOneGather() {
        // Given the same events, last first (member ends told before their files)
        List<BatchEvent> reversed = new ArrayList<>(inOrder());
        Collections.reverse(reversed);

        // When applied
        BatchFixtures.Run inOrder = run(open(BY_MANIFEST), BY_MANIFEST, inOrder(), NOW);
        BatchFixtures.Run backwards = run(open(BY_MANIFEST), BY_MANIFEST, reversed, NOW);

        // Then the record is the same and the gather was decided once
        assertThat(backwards.record()).isEqualTo(inOrder.record());
        assertThat(backwards.all(MakeGather.class)).hasSize(1);
    }

    @Test
    void apply_everyEventTwice_secondChangesNothing() {
        // Given a batch that has seen every event once
        BatchRecord record = run(open(BY_MANIFEST), BY_MANIFEST, inOrder(), NOW).record();

        for (BatchEvent event : inOrder()) {
            // When an event comes again
            BatchChange again = BatchLifecycle.apply(record, event, BY_MANIFEST, NOW);

            // Then nothing is to be written and no gather is decided again
            assertThat(again.changed()).as("%s", event).isFalse();
            assertThat(again.decisions(MakeGather.class)).isEmpty();
        }
    }

    @Test
    void apply_fileToldAgain_itsJobsAreMadeAgainByIdNotAnew() {
        // Given a file recorded with its job
        BatchRecord record = run(open(BY_MANIFEST), BY_MANIFEST, List.of(file("a.csv", 1)), NOW).record();

        // When its notification comes again (the first driver may have crashed before making the job)
        BatchChange again = BatchLifecycle.apply(record, file("a.csv", 1), BY_MANIFEST, NOW);

        // Then nothing is written and the same job is to be made (create-if-absent)
        assertThat(again.changed()).isFalse();
        assertThat(again.decisions(MakeMembers.class)).containsExactly(
                new MakeMembers("a.csv", List.of(new BatchEvent.Member("count", "job-count-a.csv"))));
    }

    @Test
    void apply_manifestBeforeFiles_completesWhenTheLastListedFileArrives() {
        // Given a manifest listing two files, then one of them
        BatchFixtures.Run one = run(open(BY_MANIFEST), BY_MANIFEST, List.of(manifest(1, "a.csv", "b.csv"),
                file("a.csv", 2)), NOW);
        assertThat(one.record().state()).isEqualTo(State.OPEN);
        assertThat(one.all(LookAgain.class)).as("one look, on the way to the deadline")
                .containsExactly(new LookAgain(NOW.plusSeconds(BatchMessages.MAX_DELAY_SECONDS)));

        // When the other arrives
        BatchChange last = BatchLifecycle.apply(one.record(), file("b.csv", 9), BY_MANIFEST, NOW);

        // Then the batch is complete at the last listed file's arrival
        assertThat(last.after().state()).isEqualTo(State.COMPLETE);
        assertThat(last.after().endedAt()).isEqualTo(T0.plusSeconds(9).toString());
        assertThat(last.decisions(Completed.class)).hasSize(1);
    }

    @Test
    void apply_markerBeforeFileNotifications_listingMakesThemPartOfTheBatch() {
        // Given a pipeline complete by marker, whose marker is told before its files' notifications
        Pipeline byMarker = pipeline(Completion.MARKER, MemberFailure.FAIL);
        BatchEvent marker = new BatchEvent.MarkerArrived(T0.plusSeconds(5), List.of(file("a.csv", 1), file("b.csv", 2)));

        // When the marker (with the folder's listing) and then the late notifications are applied
        BatchFixtures.Run run = run(BatchFixtures.open(byMarker), byMarker, List.of(marker, file("b.csv", 2),
                file("a.csv", 1), succeeded("a.csv", 60), succeeded("b.csv", 61)), NOW);
        BatchFixtures.Run inOrder = run(BatchFixtures.open(byMarker), byMarker, List.of(file("a.csv", 1),
                file("b.csv", 2), marker, succeeded("a.csv", 60), succeeded("b.csv", 61)), NOW);

        // Then both files are in the batch, none is late, and the record is as in order
        assertThat(run.record().state()).isEqualTo(State.COMPLETE);
        assertThat(run.record().files()).containsOnlyKeys("a.csv", "b.csv");
        assertThat(run.record().late()).isEmpty();
        assertThat(run.record()).isEqualTo(inOrder.record());
        assertThat(run.all(MakeGather.class)).hasSize(1);
    }

    @Test
    void apply_quietPeriodByTicks_completesAtLastArrivalPlusThePeriod() {
        // Given a pipeline complete after 5 quiet minutes, and two files
        Pipeline quiet = pipeline(Completion.QUIET, MemberFailure.FAIL);
        BatchFixtures.Run files = run(BatchFixtures.open(quiet), quiet, List.of(file("a.csv", 0), file("b.csv", 60)),
                T0.plusSeconds(60));
        assertThat(files.all(LookAgain.class)).as("one look for two files, at the first one's quiet end")
                .containsExactly(new LookAgain(T0.plusSeconds(300)));

        // When that look comes (the second file moved the quiet end), a tick of no look (a reconciler's) comes before
        // the quiet period is over, then the next look after it
        BatchChange first = BatchLifecycle.apply(files.record(), new BatchEvent.Tick(T0.plusSeconds(300)), quiet,
                T0.plusSeconds(300));
        BatchChange early = BatchLifecycle.apply(first.after(), new BatchEvent.Tick(), quiet, T0.plusSeconds(330));
        BatchChange late = BatchLifecycle.apply(early.after(), new BatchEvent.Tick(T0.plusSeconds(360)), quiet,
                T0.plusSeconds(361));

        // Then the look asks for the next at the quiet end; the tick of no look changes nothing and asks for none (one
        // is on its way); the next look completes the batch
        assertThat(first.after().state()).isEqualTo(State.OPEN);
        assertThat(first.decisions(LookAgain.class)).containsExactly(new LookAgain(T0.plusSeconds(360)));
        assertThat(early.changed()).isFalse();
        assertThat(early.decisions(LookAgain.class)).isEmpty();
        assertThat(late.after().state()).isEqualTo(State.COMPLETE);
        assertThat(late.after().endedAt()).isEqualTo(T0.plusSeconds(360).toString());
    }

    @Test
    void apply_sameVersionRedeliveredLater_keepsItsFirstArrivalOpenOrComplete() {
        // Given a quiet-period batch of two files (on AWS, a file's arrival is when dispatch first saw it)
        Pipeline quiet = pipeline(Completion.QUIET, MemberFailure.FAIL);
        BatchRecord open = run(BatchFixtures.open(quiet), quiet, List.of(file("a.csv", 0), file("b.csv", 60)),
                T0.plusSeconds(60)).record();

        // When a's notification is redelivered while the batch is open, and b's after it completed
        BatchChange whileOpen = BatchLifecycle.apply(open, file("a.csv", 200), quiet, T0.plusSeconds(200));
        BatchChange complete = BatchLifecycle.apply(whileOpen.after(), new BatchEvent.Tick(), quiet, T0.plusSeconds(360));
        BatchChange afterwards = BatchLifecycle.apply(complete.after(), file("b.csv", 440), quiet, T0.plusSeconds(440));

        // Then neither moves the last arrival nor the quiet end: the batch completes 5 minutes after b first came, and
        // stays as it was; a's jobs are asked for again by id (a redelivery may follow a crash before they were made)
        assertThat(whileOpen.after().files()).isEqualTo(open.files());
        assertThat(whileOpen.after().lastArrivalAt()).isEqualTo(T0.plusSeconds(60).toString());
        assertThat(whileOpen.decisions(MakeMembers.class)).hasSize(1);
        assertThat(complete.after().state()).isEqualTo(State.COMPLETE);
        assertThat(complete.after().endedAt()).isEqualTo(T0.plusSeconds(360).toString());
        assertThat(afterwards.changed()).isFalse();
        assertThat(afterwards.after().lastArrivalAt()).isEqualTo(T0.plusSeconds(60).toString());
        assertThat(afterwards.decisions(LateFile.class)).isEmpty();
    }

    @Test
    void apply_deadlineWithAListedFileMissing_failsNamingIt() {
        // Given a manifest listing c.csv, which never arrives
        BatchFixtures.Run run = run(open(BY_MANIFEST), BY_MANIFEST, List.of(file("a.csv", 0),
                manifest(1, "a.csv", "c.csv")), NOW);

        // When the deadline passes
        BatchChange tick = BatchLifecycle.apply(run.record(), new BatchEvent.Tick(), BY_MANIFEST, T0.plusSeconds(3600));

        // Then the batch FAILED with that reason, at its deadline, and no gather is made
        assertThat(tick.after().state()).isEqualTo(State.FAILED);
        assertThat(tick.after().reason()).startsWith("_manifest.json lists c.csv, which did not arrive; deadline");
        assertThat(tick.after().endedAt()).isEqualTo(T0.plusSeconds(3600).toString());
        assertThat(tick.decisions(Failed.class)).containsExactly(new Failed(tick.after().reason()));
        assertThat(tick.decisions(MakeGather.class)).isEmpty();
    }

    @Test
    void apply_sizeAndChecksumMismatch_failsAtTheDeadlineSayingWhich() {
        // Given a manifest whose sizes and checksums the files do not have
        BatchEvent manifest = new BatchEvent.ManifestArrived("m1", "{\"files\": [{\"name\": \"a.csv\", \"size\": 999},"
                + " {\"name\": \"b.csv\", \"sha256\": \"" + "0".repeat(64) + "\"}]}", T0.plusSeconds(2));
        BatchFixtures.Run run = run(open(BY_MANIFEST), BY_MANIFEST, List.of(file("a.csv", 0), file("b.csv", 1), manifest),
                NOW);
        assertThat(run.record().state()).isEqualTo(State.OPEN);

        // When the deadline passes
        BatchChange tick = BatchLifecycle.apply(run.record(), new BatchEvent.Tick(), BY_MANIFEST, T0.plusSeconds(3601));

        // Then the reason names both files and what differs
        assertThat(tick.after().state()).isEqualTo(State.FAILED);
        assertThat(tick.after().reason()).contains("a.csv is 17 bytes, _manifest.json says 999")
                .contains("b.csv has SHA-256 " + BatchFixtures.sha("b.csv") + ", _manifest.json says " + "0".repeat(64));
    }

    @Test
    void apply_fileAfterCompletion_isLateKeptInTheRecordAndBecomesNoJob() {
        // Given a complete batch
        BatchRecord complete = run(open(BY_MANIFEST), BY_MANIFEST, inOrder(), NOW).record();

        // When another file arrives
        BatchChange late = BatchLifecycle.apply(complete, file("z.csv", 500), BY_MANIFEST, NOW);

        // Then it is noted as late, not part of the batch, and no job is to be made of it
        assertThat(late.changed()).isTrue();
        assertThat(late.after().late()).extracting(BatchFile::name).containsExactly("z.csv");
        assertThat(late.after().files()).doesNotContainKey("z.csv");
        assertThat(late.decisions(LateFile.class)).hasSize(1);
        assertThat(late.decisions(MakeMembers.class)).isEmpty();
        // And told again, it changes nothing more
        assertThat(BatchLifecycle.apply(late.after(), file("z.csv", 500), BY_MANIFEST, NOW).changed()).isFalse();
    }

    @Test
    void apply_malformedManifestThenCorrected_waitsAndCompletesWithTheCorrection() {
        // Given a manifest naming a path outside the folder
        BatchEvent bad = new BatchEvent.ManifestArrived("m1", "{\"files\": [{\"name\": \"../etc/passwd\"}]}",
                T0.plusSeconds(1));
        BatchFixtures.Run waiting = run(open(BY_MANIFEST), BY_MANIFEST, List.of(file("a.csv", 0), bad), NOW);
        assertThat(waiting.record().state()).isEqualTo(State.OPEN);
        assertThat(waiting.record().manifest().problem()).isEqualTo(
                "_manifest.json: files[0].name: \"../etc/passwd\" must be a plain file name (no / or \\)");

        // When a corrected manifest is uploaded
        BatchEvent.ManifestArrived good = manifest(5, "a.csv");
        BatchChange corrected = BatchLifecycle.apply(waiting.record(),
                new BatchEvent.ManifestArrived("m2", good.text(), good.at()), BY_MANIFEST, NOW);

        // Then the batch completes
        assertThat(corrected.after().state()).isEqualTo(State.COMPLETE);
    }

    @Test
    void apply_malformedManifestUntilTheDeadline_failsWithItsProblem() {
        // Given a malformed manifest, never corrected
        BatchEvent bad = new BatchEvent.ManifestArrived("m1", "{\"files\": [{\"name\": \"a.csv\", \"size\": -1}]}",
                T0.plusSeconds(1));
        BatchRecord waiting = run(open(BY_MANIFEST), BY_MANIFEST, List.of(file("a.csv", 0), bad), NOW).record();

        // When the deadline passes
        BatchChange tick = BatchLifecycle.apply(waiting, new BatchEvent.Tick(), BY_MANIFEST, T0.plusSeconds(4000));

        // Then the reason is the manifest's problem, naming the field
        assertThat(tick.after().reason()).startsWith(
                "_manifest.json: files[0].size: must be a whole number of bytes, 0 or more; deadline");
    }

    @Test
    void apply_sameVersionToldWithSha256ThenAgainWithout_keepsTheSha256InAnyOrder() {
        // Given a file told without its SHA-256, then with it (learnt later), then redelivered without it
        Pipeline pipeline = BatchFixtures.pipeline(Completion.MANIFEST, MemberFailure.SKIP);
        BatchFile bare = new BatchFile("a.csv", "v1", 5, null, T0.plusSeconds(1).toString());
        BatchEvent without = new BatchEvent.FileArrived(bare, List.of());
        BatchEvent with = new BatchEvent.FileArrived(bare.withSha256(BatchFixtures.sha("a.csv")), List.of());
        BatchEvent redelivered = new BatchEvent.FileArrived(new BatchFile("a.csv", "v1", 5, null,
                T0.plusSeconds(9).toString()), List.of());

        // When applied in two orders
        BatchRecord one = BatchFixtures.run(BatchFixtures.open(pipeline), pipeline, List.of(without, with, redelivered),
                T0.plusSeconds(10)).record();
        BatchRecord other = BatchFixtures.run(BatchFixtures.open(pipeline), pipeline, List.of(redelivered, with, without),
                T0.plusSeconds(10)).record();

        // Then the version keeps its SHA-256 (its content never changes), and both orders record the same file
        assertThat(one.files().get("a.csv").sha256()).isEqualTo(BatchFixtures.sha("a.csv"));
        assertThat(one.files()).isEqualTo(other.files());
    }
}
