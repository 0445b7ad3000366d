package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.descriptor.Descriptor;
import org.junit.jupiter.api.Test;

/** This machine's CPUs and memory, handed out to jobs by the same rule as on EC2. */
class LocalCapacityTest {

    @Test
    void capacity_noCpusOrNoMemory_isRefused() {
        assertThatThrownBy(() -> new LocalCapacity(0, 1024)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be positive: 0.0 CPUs, 1024 MiB");
        assertThatThrownBy(() -> new LocalCapacity(1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be positive: 1.0 CPUs, 0 MiB");
    }

    @Test
    void couldFit_jobTheSizeOfTheMachine_fitsButNotBiggerOrWithAGpu() {
        LocalCapacity machine = new LocalCapacity(2, 4096);

        assertThat(machine.couldFit(new Descriptor.Resources(2, 4096, 0))).isTrue();
        assertThat(machine.couldFit(new Descriptor.Resources(2.125, 4096, 0))).isFalse();
        assertThat(machine.couldFit(new Descriptor.Resources(2, 4097, 0))).isFalse();
        assertThat(machine.couldFit(new Descriptor.Resources(1, 1024, 1))).isFalse();
    }

    @Test
    void tryReserve_jobsUntilTheMachineIsFull_thenNoneUntilOneGivesBack() {
        LocalCapacity machine = new LocalCapacity(2, 4096);
        Descriptor.Resources half = new Descriptor.Resources(1, 2048, 0);

        assertThat(machine.tryReserve(half)).isTrue();
        assertThat(machine.tryReserve(half)).as("exactly full").isTrue();
        assertThat(machine.tryReserve(new Descriptor.Resources(0.125, 256, 0))).as("nothing left").isFalse();
        machine.release(half);
        assertThat(machine.tryReserve(new Descriptor.Resources(1, 2049, 0))).as("memory short by 1 MiB").isFalse();
        assertThat(machine.tryReserve(new Descriptor.Resources(1.125, 2048, 0))).as("CPUs short").isFalse();
        assertThat(machine.tryReserve(half)).isTrue();
    }

    @Test
    void release_moreThanWasReserved_neverLeavesMoreRoomThanTheMachineHas() {
        LocalCapacity machine = new LocalCapacity(1, 1024);
        Descriptor.Resources whole = new Descriptor.Resources(1, 1024, 0);

        machine.release(whole);

        assertThat(machine.tryReserve(whole)).isTrue();
        assertThat(machine.tryReserve(new Descriptor.Resources(0.125, 256, 0))).isFalse();
    }
}
