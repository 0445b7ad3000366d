package io.conveyor.batch;

import static io.conveyor.batch.BatchFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.json.Json;
import io.conveyor.pipeline.BatchRule.Completion;
import io.conveyor.pipeline.BatchRule.MemberFailure;
import io.conveyor.pipeline.Pipeline;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A batch record as stored: every part of it reads back as written. */
class BatchRecordTest {

    @Test
    void json_recordWithEveryPart_readsBackEqual() throws Exception {
        // Given a record with files, a manifest, members (ended, superseded, made from others), a gather and a late file
        Pipeline pipeline = BatchFixtures.pipeline(Completion.MANIFEST, MemberFailure.SKIP);
        BatchRecord record = BatchFixtures.run(BatchFixtures.open(pipeline), pipeline, List.of(
                BatchFixtures.file("a.csv", 1), BatchFixtures.file("b.csv", 2),
                BatchFixtures.manifest(3, "a.csv", "b.csv"), BatchFixtures.succeeded("a.csv", 60),
                BatchFixtures.failed("b.csv", 61, "exit code 2"), BatchFixtures.file("late.csv", 900)),
                T0.plusSeconds(1000)).record();
        assertThat(record.late()).hasSize(1);
        assertThat(record.gathers()).containsKey("sum");

        // When written and read as JSON
        String json = Json.mapper().writeValueAsString(record);
        BatchRecord read = Json.mapper().readValue(json, BatchRecord.class);

        // Then it is the same record, with no derived field written
        assertThat(read).isEqualTo(record);
        assertThat(json).doesNotContain("\"unended\"").doesNotContain("\"issued\"").doesNotContain("\"ended\"");
    }

    @Test
    void open_batchNameThatIsNotAFolderName_isRefusedNamingIt() {
        // Given names that are not one folder; When a batch is opened with them; Then it is refused
        assertThatThrownBy(() -> BatchRecord.open("counts", "..", "rev-1")).hasMessage("batch name: \"..\" is not a file name");
        assertThatThrownBy(() -> BatchRecord.open("counts", "a/b", "rev-1"))
                .hasMessageStartingWith("batch name: \"a/b\" must be a plain file name");
    }

    @Test
    void awaitingSha256_manifestListsOneForAFileToldWithout_namesOnlyThatFile() {
        // Given a manifest listing a.csv with a SHA-256 and b.csv without, and both told with no SHA-256 known
        Pipeline pipeline = BatchFixtures.pipeline(Completion.MANIFEST, MemberFailure.SKIP);
        BatchEvent.ManifestArrived manifest = new BatchEvent.ManifestArrived("m1", "{\"files\":[{\"name\":\"a.csv\","
                + "\"sha256\":\"" + BatchFixtures.sha("a.csv") + "\"},{\"name\":\"b.csv\"}]}", T0);
        BatchRecord record = BatchFixtures.run(BatchFixtures.open(pipeline), pipeline, List.of(manifest,
                unhashed("a.csv", 1), unhashed("b.csv", 2)), T0.plusSeconds(3)).record();

        // When the files awaiting their SHA-256 are asked for
        List<BatchFile> awaiting = record.awaitingSha256();

        // Then only a.csv is (b.csv's entry lists none), and once told with it, none is
        assertThat(awaiting).extracting(BatchFile::name).containsExactly("a.csv");
        BatchRecord hashed = BatchFixtures.run(record, pipeline, List.of(new BatchEvent.FileArrived(
                awaiting.get(0).withSha256(BatchFixtures.sha("a.csv")), List.of())), T0.plusSeconds(4)).record();
        assertThat(hashed.awaitingSha256()).isEmpty();
        assertThat(hashed.state()).isEqualTo(BatchRecord.State.COMPLETE);
    }

    @Test
    void settled_byStateAndUnendedMembers_onlyFailedOrCompleteWithEveryMemberEnded() {
        // Given a batch complete with one member running, then ended, then gathered
        Pipeline pipeline = BatchFixtures.pipeline(Completion.MANIFEST, MemberFailure.SKIP);
        BatchRecord open = BatchFixtures.run(BatchFixtures.open(pipeline), pipeline,
                List.of(BatchFixtures.file("a.csv", 1)), T0.plusSeconds(2)).record();
        BatchRecord complete = BatchFixtures.run(open, pipeline, List.of(BatchFixtures.manifest(3, "a.csv")),
                T0.plusSeconds(4)).record();
        BatchRecord failed = BatchFixtures.run(open, pipeline, List.of(new BatchEvent.Tick()),
                T0.plus(BatchFixtures.DEADLINE).plusSeconds(5)).record();

        // When asked whether each is settled; Then only the failed one is (the complete one has a member running,
        // and once it ended, its gather's job runs)
        assertThat(open.settled()).isFalse();
        assertThat(complete.state()).isEqualTo(BatchRecord.State.COMPLETE);
        assertThat(complete.settled()).isFalse();
        assertThat(failed.state()).isEqualTo(BatchRecord.State.FAILED);
        assertThat(failed.settled()).isTrue();
        BatchRecord gathering = BatchFixtures.run(complete, pipeline, List.of(BatchFixtures.succeeded("a.csv", 60)),
                T0.plusSeconds(61)).record();
        assertThat(gathering.gathers()).containsKey("sum");
        assertThat(gathering.settled()).isFalse();
        assertThat(BatchRecord.open("p", "b", "r").blank()).isTrue();
        assertThat(open.blank()).isFalse();
    }

    private static BatchEvent.FileArrived unhashed(String name, int seconds) {
        return new BatchEvent.FileArrived(new BatchFile(name, "v1", BatchFixtures.content(name).length(), null,
                T0.plusSeconds(seconds).toString()), List.of(new BatchEvent.Member("count", BatchFixtures.countJob(name))));
    }
}
