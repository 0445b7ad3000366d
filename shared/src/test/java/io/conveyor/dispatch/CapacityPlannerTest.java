package io.conveyor.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.InstanceTypes;
import io.conveyor.fleet.FleetInstance;
import io.conveyor.fleet.FleetInstance.State;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CapacityPlannerTest {

    static final Packer.Demand SMALL = new Packer.Demand("small", 1024, 2048, Set.of());

    @Test
    void plan_nothingAround_launchesTheDefaultType() {
        CapacityPlanner.Plan plan = new CapacityPlanner(4, "m6i.large").plan(List.of(SMALL), List.of(), Set.of());
        assertThat(plan.atCap()).isZero();

        assertThat(plan.launch()).isEqualTo(Map.of("m6i.large", 1));
        assertThat(plan.start()).isEmpty();
    }

    @Test
    void plan_manySmallJobs_shareNewInstances() {
        List<Packer.Demand> ten = java.util.stream.IntStream.range(0, 10)
                .mapToObj(i -> new Packer.Demand("j" + i, 512, 1024, Set.of())).toList();

        // an m6i.large (2 vCPU, 8 GiB) holds 4 of these by CPU: 10 need 3
        CapacityPlanner.Plan plan = new CapacityPlanner(10, "m6i.large").plan(ten, List.of(), Set.of());

        assertThat(plan.launch()).isEqualTo(Map.of("m6i.large", 3));
    }

    @Test
    void plan_stoppedInstance_isStartedFirst() {
        List<FleetInstance> fleet = List.of(new FleetInstance("i-s", "m6i.large", State.STOPPED));

        CapacityPlanner.Plan plan = new CapacityPlanner(4, "m6i.large").plan(List.of(SMALL), fleet, Set.of());

        assertThat(plan.start()).containsExactly("i-s");
        assertThat(plan.launch()).isEmpty();
    }

    @Test
    void plan_stoppedInstanceTooSmallOrOfAnotherType_isLeftStopped() {
        List<FleetInstance> fleet = List.of(new FleetInstance("i-tiny", "t3.micro", State.STOPPED));
        Packer.Demand m5Only = new Packer.Demand("m5", 1024, 2048, Set.of("m5.large"));

        CapacityPlanner.Plan plan = new CapacityPlanner(4, "m6i.large").plan(List.of(m5Only), fleet, Set.of());

        assertThat(plan.start()).isEmpty();
        assertThat(plan.launch()).isEqualTo(Map.of("m5.large", 1));
    }

    @Test
    void plan_instanceOnItsWay_isWaitedForInsteadOfLaunchingAgain() {
        List<FleetInstance> fleet = List.of(new FleetInstance("i-pending", "m6i.large", State.PENDING),
                new FleetInstance("i-booting", "m6i.large", State.RUNNING));

        CapacityPlanner.Plan plan = new CapacityPlanner(4, "m6i.large").plan(
                List.of(SMALL, new Packer.Demand("other", 1024, 6000, Set.of())), fleet, Set.of());

        assertThat(plan.added()).isZero();
        assertThat(plan.notes().values()).allMatch(note -> note.endsWith("which is starting up"));
    }

    @Test
    void plan_capCountsPendingRunningAndStoppingButNotStopped() {
        List<FleetInstance> fleet = List.of(new FleetInstance("i-1", "m6i.large", State.PENDING),
                new FleetInstance("i-2", "m6i.large", State.RUNNING),
                new FleetInstance("i-3", "m6i.large", State.STOPPING),
                new FleetInstance("i-4", "m6i.large", State.STOPPED));
        Packer.Demand big = new Packer.Demand("big", 2048, 7000, Set.of());
        Packer.Demand big2 = new Packer.Demand("big2", 2048, 7000, Set.of());
        Set<String> registered = Set.of("i-2");

        // i-1 (pending) takes one big job; the cap of 4 leaves room for exactly one more instance: i-4
        CapacityPlanner.Plan plan = new CapacityPlanner(4, "m6i.large").plan(List.of(big, big2,
                new Packer.Demand("big3", 2048, 7000, Set.of())), fleet, registered);

        assertThat(plan.live()).isEqualTo(3);
        assertThat(plan.start()).containsExactly("i-4");
        assertThat(plan.launch()).isEmpty();
        assertThat(plan.notes().get("big3")).isEqualTo("the instance cap is reached (3 of MaxInstances 4 live, 1 more on their way)");
    }

    @Test
    void plan_runningInstanceTheClusterDoesNotCountAsReady_isOnItsWay() {
        // restarted: EC2 says running, its agent has not reconnected yet, so it is not among the settled
        List<FleetInstance> fleet = List.of(new FleetInstance("i-s", "m6i.large", State.RUNNING));

        CapacityPlanner.Plan plan = new CapacityPlanner(4, "m6i.large").plan(List.of(SMALL), fleet, Set.of());

        assertThat(plan.added()).isZero();
        assertThat(plan.notes().get("small")).isEqualTo("waits for i-s, which is starting up");
    }

    @Test
    void plan_zeroCap_neverAddsAnything() {
        CapacityPlanner.Plan plan = new CapacityPlanner(0, "m6i.large").plan(List.of(SMALL),
                List.of(new FleetInstance("i-s", "m6i.large", State.STOPPED)), Set.of());

        assertThat(plan.added()).isZero();
        assertThat(plan.notes().get("small")).isEqualTo("the instance cap is reached (0 of MaxInstances 0 live)");
        assertThat(plan.atCap()).isEqualTo(1);
    }

    @Test
    void plan_demandBiggerThanTheDefault_launchesTheSmallestTypeThatHoldsIt() {
        Packer.Demand huge = new Packer.Demand("huge", 4096, 14000, Set.of());

        CapacityPlanner.Plan plan = new CapacityPlanner(4, "m6i.large").plan(List.of(huge), List.of(), Set.of());

        assertThat(plan.launch()).hasSize(1);
        String type = plan.launch().keySet().iterator().next();
        io.conveyor.descriptor.InstanceTypes.Capacity capacity = io.conveyor.descriptor.InstanceTypes.of(type).orElseThrow();
        assertThat(capacity.vcpus() * 1024).isGreaterThanOrEqualTo(4096);
        assertThat(capacity.usableMemoryMiB()).isGreaterThanOrEqualTo(14000);
        assertThat(capacity.gpus()).as("no GPU instance for a job that needs none").isZero();
        assertThat(io.conveyor.descriptor.InstanceTypes.all().values()).noneMatch(other -> other.gpus() == 0
                && other.vcpus() * 1024 >= 4096 && other.usableMemoryMiB() >= 14000 && other.memoryMiB() < capacity.memoryMiB());
    }

    @Test
    void plan_oneStoppedInstanceForTwoJobsThatEachFillIt_startsItAndLaunchesOneMore() {
        List<FleetInstance> fleet = List.of(new FleetInstance("i-s", "m6i.large", State.STOPPED));
        Packer.Demand first = new Packer.Demand("first", 2048, 4000, Set.of());
        Packer.Demand second = new Packer.Demand("second", 2048, 4000, Set.of());

        CapacityPlanner.Plan plan = new CapacityPlanner(4, "m6i.large").plan(List.of(first, second), fleet, Set.of());

        assertThat(plan.start()).containsExactly("i-s");
        assertThat(plan.launch()).isEqualTo(Map.of("m6i.large", 1));
        assertThat(plan.notes().values()).containsExactlyInAnyOrder("waits for i-s, which is being started",
                "waits for a new m6i.large instance");
    }

    @Test
    void typeFor_allowedTypes_takesTheSmallestOfThemThatHoldsTheJob() {
        int large = InstanceTypes.of("m6i.large").orElseThrow().usableMemoryMiB();
        Packer.Demand demand = new Packer.Demand("j", 1024, large + 1, Set.of("m6i.large", "m6i.2xlarge", "m6i.xlarge"));

        assertThat(new CapacityPlanner(4, "m6i.large").typeFor(demand)).get()
                .extracting(InstanceTypes.Capacity::type).isEqualTo("m6i.xlarge");
    }

    @Test
    void typeFor_jobTakingAWholeInstance_fitsThatInstance() {
        InstanceTypes.Capacity large = InstanceTypes.of("m6i.large").orElseThrow();
        Packer.Demand whole = new Packer.Demand("j", large.vcpus() * 1024, large.usableMemoryMiB(), Set.of());

        assertThat(new CapacityPlanner(4, "m6i.large").typeFor(whole)).contains(large);
        assertThat(new CapacityPlanner(4, "m6i.large").typeFor(new Packer.Demand("j", large.vcpus() * 1024,
                large.usableMemoryMiB(), Set.of("m6i.large")))).contains(large);
    }
}
