package io.conveyor.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.dispatch.CapacityNeed;
import io.conveyor.dispatch.Packer;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CapacityNeedMessagesTest {

    static final String BODY = """
            {"requestedBy": "dispatch-1", "requestedAt": "2026-11-21T10:00:00Z", "algorithms": ["word-count"],
             "waiting": [{"job": "job-a", "cpuUnits": 1024, "memoryMiB": 2048, "instanceTypes": ["m6i.large"]}]}""";

    @Test
    void body_thenParse_givesTheSameNeed() {
        // Given a need of two jobs
        CapacityNeed need = new CapacityNeed("dispatch-1", Instant.parse("2026-11-21T10:00:00Z"), List.of(
                new Packer.Demand("job-a", 1024, 2048, Set.of("m6i.large", "c6i.xlarge")),
                new Packer.Demand("job-b", 512, 512, Set.of())), Set.of("word-count", "thresholds"));

        // When it is written and read back
        CapacityNeed read = CapacityNeedMessages.parse(CapacityNeedMessages.body(need));

        // Then nothing is lost
        assertThat(read).isEqualTo(need);
    }

    @Test
    void parse_sample_readsEveryField() {
        CapacityNeed need = CapacityNeedMessages.parse(BODY);

        assertThat(need.requestedBy()).isEqualTo("dispatch-1");
        assertThat(need.waiting()).containsExactly(new Packer.Demand("job-a", 1024, 2048, Set.of("m6i.large")));
        assertThat(need.algorithms()).containsExactly("word-count");
    }

    @Test
    void parse_badFields_namesTheField() {
        assertThatThrownBy(() -> CapacityNeedMessages.parse(BODY.replace("\"m6i.large\"", "\"m6i.large; rm -rf /\"")))
                .isInstanceOf(MalformedEventException.class)
                .hasMessage("waiting[0].instanceTypes[0]: 'm6i.large; rm -rf /' is not an EC2 instance type such as m6i.large");
        assertThatThrownBy(() -> CapacityNeedMessages.parse(BODY.replace("1024", "0")))
                .hasMessage("waiting[0].cpuUnits: must be a positive whole number, was 0");
        assertThatThrownBy(() -> CapacityNeedMessages.parse(BODY.replace("2026-11-21T10:00:00Z", "yesterday")))
                .hasMessageStartingWith("requestedAt: not an ISO-8601 instant");
        assertThatThrownBy(() -> CapacityNeedMessages.parse(BODY.replaceAll("\\[\\{.*\\}\\]", "[]")))
                .hasMessage("waiting: must name at least one job");
        assertThatThrownBy(() -> CapacityNeedMessages.parse("{\"requestedAt\": \"2026-11-21T10:00:00Z\"}"))
                .hasMessage("requestedBy: missing");
    }
}
