package io.conveyor.dispatch;

import static io.conveyor.dispatch.DispatchFixture.jobMessage;
import static io.conveyor.dispatch.DispatchFixture.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.batch.BatchMessages;
import io.conveyor.batch.BatchRecord;
import io.conveyor.jobs.JobRecord;
import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.FanOut;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.Step;
import io.conveyor.pipeline.StepInput;
import io.conveyor.storage.Digests;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.StorageEvent;
import io.conveyor.storage.StoredObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dispatch's side of a pipeline's batch: files, manifest, marker and ticks through the batch's carrier. */
class DispatchBatchesTest {

    private final DispatchFixture rig = new DispatchFixture();

    @BeforeEach
    void registerAndMakeRoom() {
        rig.registry.register(PipelineAdmissionTest.FIT);
        rig.instance("ci-1", 4096, 8192);
    }

    private static Pipeline pipeline(BatchRule.Completion completion) {
        Step fit = new Step("fit", "fitter", new StepInput.BatchFiles(), new FanOut.None(), Map.of("K", "1"));
        Step merge = new Step("merge", "fitter", new StepInput.GatherOf("fit"), new FanOut.None(), Map.of("K", "2"));
        return new Pipeline("scan", "pipe-rev", null, List.of(fit, merge), new BatchRule(completion, null,
                Duration.ofHours(2), BatchRule.MemberFailure.FAIL));
    }

    /** An object written with this content, and the S3 event of its creation. */
    static StorageEvent written(DispatchFixture rig, String key, String content) {
        ObjectRef ref = new ObjectRef(DispatchFixture.IN, key);
        rig.inputs.write(ref, content.getBytes(StandardCharsets.UTF_8), "application/json");
        StoredObject stored = rig.inputs.describe(ref, null).orElseThrow();
        return new StorageEvent(StorageEvent.Kind.CREATED, "ObjectCreated:Put", ref, stored.versionId(), stored.eTag(),
                stored.size(), "00");
    }

    private BatchRecord record() {
        return rig.batches.read("scan", "b1").orElseThrow().record();
    }

    @Test
    void dispatch_batchFile_isToldToItsBatchAndItsJobStartsInTheSameBatch() {
        // Given a pipeline whose batches complete with a manifest
        rig.pipelines.put("scan", pipeline(BatchRule.Completion.MANIFEST));

        // When a file of batch b1 arrives
        rig.dispatch(message("m1", rig.input("inputs/scan/b1/a.txt", "v1", 5)));

        // Then the batch record holds the file and its job, which was made QUEUED by the carrier and started at once
        JobRecord job = rig.record("a.txt");
        assertThat(record().files()).containsKey("a.txt");
        assertThat(record().members("fit")).containsOnlyKeys(job.id());
        assertThat(rig.launcher.started).singleElement().satisfies(s -> assertThat(s.jobId()).isEqualTo(job.id()));
        // And the open batch is looked at again on the way to its deadline (2 h after its first file), within SQS's
        // longest delay
        assertThat(rig.looksAgain).containsExactly("scan/b1@" + rig.now.plusSeconds(BatchMessages.MAX_DELAY_SECONDS));
    }

    @Test
    void dispatch_sameFileTwice_startsItsJobOnce() {
        // Given a file told once
        rig.pipelines.put("scan", pipeline(BatchRule.Completion.MANIFEST));
        StorageEvent event = rig.input("inputs/scan/b1/a.txt", "v1", 5);
        rig.dispatch(message("m1", event));

        // When its notification comes again
        rig.dispatch(message("m2", event));

        // Then one job, one task
        assertThat(rig.jobs.all()).hasSize(1);
        assertThat(rig.launcher.started).hasSize(1);
    }

    @Test
    void dispatch_manifest_isReadIntoTheBatchRecord() {
        // Given a pipeline
        rig.pipelines.put("scan", pipeline(BatchRule.Completion.MANIFEST));

        // When the manifest arrives
        rig.dispatch(message("m1", written(rig, "inputs/scan/b1/" + BatchRule.MANIFEST,
                "{\"files\": [{\"name\": \"a.txt\"}]}")));

        // Then the record keeps it parsed, and no job is made
        assertThat(record().manifest().manifest().files()).extracting(f -> f.name()).containsExactly("a.txt");
        assertThat(record().state()).isEqualTo(BatchRecord.State.OPEN);
        assertThat(rig.jobs.all()).isEmpty();
    }

    @Test
    void dispatch_manifestOverOneMebibyte_isNotReadAndTheBatchKeepsItsProblem() {
        // Given a manifest larger than a manifest may be (its content is never read)
        rig.pipelines.put("scan", pipeline(BatchRule.Completion.MANIFEST));
        StorageEvent big = rig.input("inputs/scan/b1/" + BatchRule.MANIFEST, "v1", 2L << 20);

        // When it arrives
        rig.dispatch(message("m1", big));

        // Then the record says what is wrong with it
        assertThat(record().manifest().problem()).contains("longer than");
    }

    @Test
    void dispatch_markerWithListing_makesTheJobsOfFilesNotYetNotified() {
        // Given a marker-completed pipeline and two files in the folder, of which only a.txt was notified
        rig.pipelines.put("scan", pipeline(BatchRule.Completion.MARKER));
        rig.dispatch(message("m1", rig.input("inputs/scan/b1/a.txt", "v1", 5)));
        rig.input("inputs/scan/b1/b.txt", "v7", 5);

        // When the marker arrives
        rig.dispatch(message("m2", rig.input("inputs/scan/b1/" + BatchRule.MARKER, "v1", 0)));

        // Then the batch is complete with both files, b.txt's job made at its version (its ETag, as the listing names
        // it and as a notification would) and started, a.txt's not twice though its notification named a version id
        assertThat(record().state()).isEqualTo(BatchRecord.State.COMPLETE);
        assertThat(record().files()).containsOnlyKeys("a.txt", "b.txt");
        assertThat(rig.record("b.txt").inputVersion()).isEqualTo("etag:etag-" + "inputs/scan/b1/b.txt".hashCode());
        assertThat(rig.jobs.all()).hasSize(2);
        assertThat(rig.launcher.started).hasSize(2);
    }

    @Test
    void dispatch_batchTick_looksAgainWhileTheBatchIsOpen() {
        // Given an open batch whose deadline is 2 hours away: one look asked for, SQS's longest delay away
        rig.pipelines.put("scan", pipeline(BatchRule.Completion.MANIFEST));
        rig.dispatch(message("m1", rig.input("inputs/scan/b1/a.txt", "v1", 5)));
        rig.dispatch(message("m2", rig.input("inputs/scan/b1/b.txt", "v1", 5)));
        Instant look = rig.now.plusSeconds(BatchMessages.MAX_DELAY_SECONDS);
        assertThat(rig.looksAgain).as("one look for two files").containsExactly("scan/b1@" + look);
        rig.looksAgain.clear();

        // When that look's tick comes
        rig.now = look;
        Map<String, Dispatcher.Verdict> verdicts = rig.dispatch(new Dispatcher.Message("t1", 1, List.of(), List.of(),
                List.of(new BatchMessages.Ref("scan", "b1", look))));

        // Then the message is done and the batch is looked at again (its deadline not passed)
        assertThat(verdicts).containsEntry("t1", new Dispatcher.Verdict.Done());
        assertThat(rig.looksAgain).containsExactly("scan/b1@" + look.plusSeconds(BatchMessages.MAX_DELAY_SECONDS));
    }

    @Test
    void dispatch_markerCompletingABatchWhoseMembersEnded_makesAndStartsTheGather() {
        // Given a batch whose one member already succeeded (told by task-events)
        rig.pipelines.put("scan", pipeline(BatchRule.Completion.MARKER));
        rig.dispatch(message("m1", rig.input("inputs/scan/b1/a.txt", "v1", 5)));
        JobRecord member = rig.record("a.txt");
        new io.conveyor.batch.BatchUpdates(rig.batches, java.time.Clock.fixed(rig.now, java.time.ZoneOffset.UTC))
                .apply(rig.pipelines.get("scan"), "b1", List.of(new io.conveyor.batch.BatchEvent.MemberEnded(
                        new io.conveyor.batch.BatchEvent.Member("fit", member.id()),
                        io.conveyor.batch.BatchMember.End.SUCCEEDED, null, rig.now, List.of())));

        // When the marker arrives
        rig.dispatch(message("m2", rig.input("inputs/scan/b1/" + BatchRule.MARKER, "v1", 0)));

        // Then the gather's folder was filled with the member and its job made over that folder (version "batch")
        assertThat(rig.gatherFolders).containsEntry("scan/b1/merge", List.of(member.id()));
        String gather = record().gathers().get("merge").jobId();
        assertThat(rig.jobs.get(gather)).get().satisfies(job -> {
            assertThat(job.input()).isEqualTo("s3://conveyor-out/batches/scan/b1/merge/");
            assertThat(job.inputVersion()).isEqualTo("batch");
            assertThat(job.output()).isEqualTo("s3://conveyor-out/outputs/scan/b1/merge/" + gather + "/");
        });
        assertThat(rig.launcher.started).extracting(TaskStart::jobId).contains(gather);
    }

    @Test
    void dispatch_recordedMemberRefused_isToldToItsBatchAsEnded() {
        // Given a batch file whose job waits for room, then its algorithm changes (a job runs only its own revision)
        rig.pipelines.put("scan", pipeline(BatchRule.Completion.MARKER));
        rig.cluster.clear();
        rig.dispatch(message("m1", rig.input("inputs/scan/b1/a.txt", "v1", 5)));
        JobRecord waiting = rig.record("a.txt");
        rig.registry.register(PipelineAdmissionTest.FIT.replace("\"retries\": 1", "\"retries\": 2"));
        rig.instance("ci-2", 4096, 8192);

        // When its message comes round and dispatch refuses it
        rig.dispatch(jobMessage("m2", waiting.id()));

        // Then the job FAILED, and its batch knows it ended so, so that no gather waits for it
        assertThat(rig.jobs.get(waiting.id()).orElseThrow().state()).isEqualTo(io.conveyor.jobs.JobState.FAILED);
        assertThat(record().members("fit").get(waiting.id()).end()).isEqualTo(io.conveyor.batch.BatchMember.End.FAILED);
        assertThat(record().unended()).isEmpty();
    }

    @Test
    void dispatch_fileInASubfolderOfABatch_runsAsAMemberButIsNoBatchFile() {
        // Given a pipeline whose batches complete with a manifest
        rig.pipelines.put("scan", pipeline(BatchRule.Completion.MANIFEST));

        // When a file in a subfolder of batch b1 arrives
        rig.dispatch(message("m1", rig.input("inputs/scan/b1/deep/a.txt", "v1", 5)));

        // Then its job is made and started, a member of the batch (a gather takes it), but no file of the batch
        JobRecord job = rig.record("a.txt");
        assertThat(rig.launcher.started).singleElement().satisfies(s -> assertThat(s.jobId()).isEqualTo(job.id()));
        assertThat(record().members("fit")).containsOnlyKeys(job.id());
        assertThat(record().files()).isEmpty();
        assertThat(job.output()).contains("/outputs/scan/b1/fit/deep/a.txt/");
    }

    /** A manifest listing each file with the SHA-256 given (or none: {@code null}). */
    private static String manifestWith(Map<String, String> sha256ByName) {
        return "{\"files\": [" + String.join(",", sha256ByName.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> "{\"name\": \"" + e.getKey() + "\"" + (e.getValue() == null ? "" : ", \"sha256\": \""
                        + e.getValue() + "\"") + "}").toList()) + "]}";
    }

    @Test
    void dispatch_fileAfterAManifestListingItsSha256_isHashedAndTheBatchCompletes() {
        // Given a manifest listing a.txt with its SHA-256
        rig.pipelines.put("scan", pipeline(BatchRule.Completion.MANIFEST));
        rig.dispatch(message("m1", written(rig, "inputs/scan/b1/" + BatchRule.MANIFEST,
                manifestWith(Map.of("a.txt", Digests.sha256("alpha".getBytes(StandardCharsets.UTF_8)))))));

        // When a.txt arrives with that content
        rig.dispatch(message("m2", written(rig, "inputs/scan/b1/a.txt", "alpha")));

        // Then dispatch learnt its SHA-256 (once), and the batch is complete
        assertThat(rig.inputs.digested()).isEqualTo(1);
        assertThat(record().files().get("a.txt").sha256()).isEqualTo(Digests.sha256("alpha".getBytes(StandardCharsets.UTF_8)));
        assertThat(record().state()).isEqualTo(BatchRecord.State.COMPLETE);
    }

    @Test
    void dispatch_manifestListingSha256AfterItsFiles_hashesOnlyTheFilesItListsWithOne() {
        // Given a.txt and b.txt arrived first
        rig.pipelines.put("scan", pipeline(BatchRule.Completion.MANIFEST));
        rig.dispatch(message("m1", written(rig, "inputs/scan/b1/a.txt", "alpha")));
        rig.dispatch(message("m2", written(rig, "inputs/scan/b1/b.txt", "beta")));
        assertThat(rig.inputs.digested()).isZero();

        // When the manifest arrives, listing a SHA-256 for a.txt only
        Map<String, String> listed = new java.util.HashMap<>();
        listed.put("a.txt", Digests.sha256("alpha".getBytes(StandardCharsets.UTF_8)));
        listed.put("b.txt", null);
        rig.dispatch(message("m3", written(rig, "inputs/scan/b1/" + BatchRule.MANIFEST, manifestWith(listed))));

        // Then a.txt alone was hashed, and the batch is complete
        assertThat(rig.inputs.digested()).isEqualTo(1);
        assertThat(record().files().get("b.txt").sha256()).isNull();
        assertThat(record().state()).isEqualTo(BatchRecord.State.COMPLETE);
    }

    @Test
    void dispatch_fileWhoseSha256IsNotTheManifests_failsTheBatchAtItsDeadlineNamingTheFileAndBothDigests() {
        // Given a manifest listing another SHA-256 for a.txt than its content has
        rig.pipelines.put("scan", pipeline(BatchRule.Completion.MANIFEST));
        String listed = "0".repeat(64);
        String actual = Digests.sha256("alpha".getBytes(StandardCharsets.UTF_8));
        rig.dispatch(message("m1", written(rig, "inputs/scan/b1/" + BatchRule.MANIFEST, manifestWith(Map.of("a.txt", listed)))));
        rig.dispatch(message("m2", written(rig, "inputs/scan/b1/a.txt", "alpha")));
        assertThat(record().state()).isEqualTo(BatchRecord.State.OPEN);

        // When its deadline passes and its tick comes
        rig.now = rig.now.plus(Duration.ofHours(2));
        rig.dispatch(new Dispatcher.Message("t1", 1, List.of(), List.of(), List.of(new BatchMessages.Ref("scan", "b1", null))));

        // Then it failed, saying which file and both digests
        assertThat(record().state()).isEqualTo(BatchRecord.State.FAILED);
        assertThat(record().reason()).contains("a.txt has SHA-256 " + actual + ", " + BatchRule.MANIFEST + " says " + listed);
    }
}
