package io.conveyor.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.json.Json;
import org.junit.jupiter.api.Test;

/**
 * The jobs-queue message that names a job with a record, next to S3's notifications in the same
 * queue: it must be told from them, and a malformed one refused saying which field is wrong.
 */
class JobMessagesTest {

    static final String ID = JobId.of("s3://in/inputs/wc/a.txt", "v1", "wc", "r1");

    @Test
    void jobId_bodyOfAJob_namesThatJob() throws Exception {
        // Given the body task-events sends for a job
        String body = JobMessages.body(ID);

        // When dispatch reads it
        JsonNode node = Json.mapper().readTree(body);

        // Then it is one field naming the job
        assertThat(node.size()).isEqualTo(1);
        assertThat(JobMessages.jobId(node)).contains(ID);
    }

    @Test
    void jobId_otherMessages_areNotJobMessages() throws Exception {
        assertThat(JobMessages.jobId(null)).isEmpty();
        assertThat(JobMessages.jobId(Json.mapper().readTree("[\"" + ID + "\"]"))).isEmpty();
        assertThat(JobMessages.jobId(Json.mapper().readTree("\"" + ID + "\""))).isEmpty();
        assertThat(JobMessages.jobId(Json.mapper().readTree("{\"Records\": []}"))).isEmpty();
    }

    @Test
    void jobId_malformedJobMessage_isRefusedNamingTheField() {
        assertThatThrownBy(() -> JobMessages.jobId(Json.mapper().readTree("{\"conveyorJob\": 42}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("conveyorJob: expected a job id");
        assertThatThrownBy(() -> JobMessages.jobId(Json.mapper().readTree("{\"conveyorJob\": \"job-xyz\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was \"job-xyz\"");
        assertThatThrownBy(() -> JobMessages.jobId(Json.mapper().readTree("{\"conveyorJob\": \"" + ID
                + "\", \"attempt\": 2}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a conveyorJob message has no other fields, this one has 2");
    }
}
