package io.conveyor.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FleetReportTest {

    @Test
    void of_instancesWithAndWithoutTasks_countsIdleByTasksAlone() {
        // Given one instance running a task (however little CPU it uses), one with a task about to
        // start, and one with nothing
        List<ContainerInstanceLoad> instances = List.of(
                new ContainerInstanceLoad("arn:1", "i-1", "ACTIVE", true, 1, 0),
                new ContainerInstanceLoad("arn:2", "i-2", "ACTIVE", true, 0, 2),
                new ContainerInstanceLoad("arn:3", "i-3", "ACTIVE", true, 0, 0));

        // When
        FleetReport report = FleetReport.of(instances);

        // Then only the one without tasks is idle
        assertThat(report.idle()).isEqualTo(1);
        assertThat(report.tasks()).isEqualTo(3);
    }
}
