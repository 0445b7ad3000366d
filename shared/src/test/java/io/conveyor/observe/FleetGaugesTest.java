package io.conveyor.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.fleet.FleetInstance;
import io.conveyor.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetGaugesTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void sweep_instancesInSeveralStates_oneLinePerStateWithZerosAndRunningTasks() throws Exception {
        // Given two running instances, one stopped, one terminated
        List<FleetInstance> instances = List.of(new FleetInstance("i-1", "m6i.large", FleetInstance.State.RUNNING),
                new FleetInstance("i-2", "m6i.large", FleetInstance.State.RUNNING),
                new FleetInstance("i-3", "m6i.large", FleetInstance.State.STOPPED),
                new FleetInstance("i-4", "m6i.large", FleetInstance.State.TERMINATED));

        // When a sweep's gauges are written
        List<String> lines = FleetGauges.sweep("prod", T0, instances, 5);

        // Then each of the four states has its count (terminated ones are none of them), and the tasks theirs
        assertThat(lines).hasSize(5);
        StringBuilder seen = new StringBuilder();
        for (String text : lines.subList(0, 4)) {
            JsonNode line = Json.mapper().readTree(text);
            assertThat(line.at("/_aws/CloudWatchMetrics/0/Dimensions").toString()).isEqualTo("[[\"stack\",\"state\"]]");
            seen.append(line.get("state").asText()).append('=').append(line.get("Instances").asInt()).append(' ');
        }
        assertThat(seen.toString().trim()).isEqualTo("pending=0 running=2 stopping=0 stopped=1");
        JsonNode tasks = Json.mapper().readTree(lines.get(4));
        assertThat(tasks.get("RunningTasks").asInt()).isEqualTo(5);
        assertThat(tasks.at("/_aws/CloudWatchMetrics/0/Dimensions").toString()).isEqualTo("[[\"stack\"]]");
    }

    @Test
    void capacityShortfall_jobs_countUnderStackOnly() throws Exception {
        JsonNode line = Json.mapper().readTree(FleetGauges.capacityShortfall("prod", T0, 3));

        assertThat(line.get("CapacityShortfall").asInt()).isEqualTo(3);
        assertThat(line.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("Conveyor");
        assertThat(line.at("/_aws/CloudWatchMetrics/0/Metrics/0/Unit").asText()).isEqualTo("Count");
        assertThat(line.at("/_aws/CloudWatchMetrics/0/Dimensions").toString()).isEqualTo("[[\"stack\"]]");
    }
}
