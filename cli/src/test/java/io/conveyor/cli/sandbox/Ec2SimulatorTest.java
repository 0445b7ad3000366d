package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Ec2SimulatorTest {

    @Test
    void notifications_theEmulatorsJumps_passThroughTheStatesEc2Announces() {
        assertThat(Ec2Simulator.notifications(null, "running")).containsExactly("pending", "running");
        assertThat(Ec2Simulator.notifications("running", "stopped")).containsExactly("stopping", "stopped");
        assertThat(Ec2Simulator.notifications("running", "terminated")).containsExactly("shutting-down", "terminated");
        assertThat(Ec2Simulator.notifications("stopped", "terminated")).containsExactly("shutting-down", "terminated");
        assertThat(Ec2Simulator.notifications("stopped", "running")).containsExactly("pending", "running");
    }

    @Test
    void notifications_stepsSeenOneByOne_areEachAnnouncedOnce() {
        assertThat(Ec2Simulator.notifications(null, "pending")).containsExactly("pending");
        assertThat(Ec2Simulator.notifications("pending", "running")).containsExactly("running");
        assertThat(Ec2Simulator.notifications("running", "stopping")).containsExactly("stopping");
        assertThat(Ec2Simulator.notifications("stopping", "stopped")).containsExactly("stopped");
        assertThat(Ec2Simulator.notifications("shutting-down", "terminated")).containsExactly("terminated");
        assertThat(Ec2Simulator.notifications("running", "running")).isEmpty();
    }

    @Test
    void notifications_instancesAlreadyDownWhenFirstSeen_areHistoryNotNews() {
        assertThat(Ec2Simulator.notifications(null, "terminated")).isEmpty();
        assertThat(Ec2Simulator.notifications(null, "stopped")).isEmpty();
    }
}
