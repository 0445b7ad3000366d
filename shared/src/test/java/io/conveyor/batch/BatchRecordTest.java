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
}
