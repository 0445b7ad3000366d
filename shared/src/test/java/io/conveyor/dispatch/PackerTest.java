package io.conveyor.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PackerTest {

    @Test
    void pack_biggestFirst_eachOnTheInstanceItLeavesFullest() {
        List<Packer.Bin> bins = List.of(new Packer.Bin("a", "m6i.large", 2048, 8000), new Packer.Bin("b", "m6i.large", 2048, 3000));
        List<Packer.Demand> demands = List.of(demand("small", 512, 1000), demand("big", 1024, 6000),
                demand("mid", 512, 2500));

        Packer.Packing packing = Packer.pack(demands, bins);

        // big goes first (a is the only fit), mid to b (tighter than a's 2000 left), small to a (1000 left after)
        assertThat(packing.placed()).containsExactly(
                java.util.Map.entry("big", "a"), java.util.Map.entry("mid", "b"), java.util.Map.entry("small", "a"));
        assertThat(packing.unplaced()).isEmpty();
    }

    @Test
    void pack_cpuOrMemoryShort_leavesItUnplaced() {
        Packer.Packing packing = Packer.pack(List.of(demand("cpu-heavy", 4096, 100), demand("mem-heavy", 128, 9000)),
                List.of(new Packer.Bin("a", "m6i.large", 2048, 8000)));

        assertThat(packing.placed()).isEmpty();
        assertThat(packing.unplaced()).extracting(Packer.Demand::key).containsExactly("mem-heavy", "cpu-heavy");
    }

    @Test
    void pack_allowedTypes_areRespected() {
        Packer.Packing packing = Packer.pack(
                List.of(new Packer.Demand("t3-only", 256, 256, Set.of("t3.small"))),
                List.of(new Packer.Bin("big", "m6i.xlarge", 4096, 16000), new Packer.Bin("t3", "t3.small", 2048, 1500)));

        assertThat(packing.placed()).containsEntry("t3-only", "t3");
    }

    @Test
    void pack_tenEqualTasks_fillOneInstanceBeforeTheNext() {
        List<Packer.Demand> demands = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            demands.add(demand("j" + i, 1024, 1024));
        }
        Packer.Packing packing = Packer.pack(demands,
                List.of(new Packer.Bin("a", null, 8192, 4096), new Packer.Bin("b", null, 8192, 30000)));

        assertThat(packing.placed().values().stream().filter("a"::equals).count()).isEqualTo(4);
        assertThat(packing.placed()).hasSize(10);
    }

    @Test
    void pack_opener_opensAtMostTheAllowedNumberOfBins() {
        List<Packer.Demand> demands = List.of(demand("1", 2048, 4000), demand("2", 2048, 4000), demand("3", 2048, 4000));
        int[] opened = {0};

        Packer.Packing packing = Packer.pack(demands, List.of(),
                d -> Optional.of(new Packer.Bin("new" + (++opened[0]), "m6i.large", 2048, 7000)), 2);

        assertThat(packing.opened()).extracting(Packer.Bin::id).containsExactly("new1", "new2");
        assertThat(packing.placed()).hasSize(2);
        assertThat(packing.unplaced()).hasSize(1);
    }

    @Test
    void pack_instanceLeftWithLessMemory_winsOverOneLeftWithLessCpu() {
        Packer.Packing packing = Packer.pack(List.of(demand("j", 512, 1000)),
                List.of(new Packer.Bin("cpu-tight", null, 1024, 6000), new Packer.Bin("memory-tight", null, 2048, 3000)));

        assertThat(packing.placed()).containsEntry("j", "memory-tight");
    }

    @Test
    void pack_equalMemoryLeft_takesTheInstanceWithLessCpuThenTheFirstById() {
        Packer.Demand demand = demand("j", 512, 1000);

        Packer.Packing byCpu = Packer.pack(List.of(demand),
                List.of(new Packer.Bin("b", null, 1024, 4000), new Packer.Bin("a", null, 2048, 4000)));
        Packer.Packing byCpuListedLast = Packer.pack(List.of(demand),
                List.of(new Packer.Bin("a", null, 2048, 4000), new Packer.Bin("b", null, 1024, 4000)));
        Packer.Packing byId = Packer.pack(List.of(demand),
                List.of(new Packer.Bin("a", null, 1024, 4000), new Packer.Bin("b", null, 1024, 4000)));

        assertThat(byCpu.placed()).containsEntry("j", "b");
        assertThat(byCpuListedLast.placed()).containsEntry("j", "b");
        assertThat(byId.placed()).containsEntry("j", "a");
    }

    @Test
    void pack_openerOfferingABinTooSmall_opensNothing() {
        Packer.Packing packing = Packer.pack(List.of(demand("j", 1024, 2048)), List.of(),
                d -> Optional.of(new Packer.Bin("tiny", "t3.micro", 2048, 512)), 1);

        assertThat(packing.opened()).isEmpty();
        assertThat(packing.unplaced()).extracting(Packer.Demand::key).containsExactly("j");
    }

    private static Packer.Demand demand(String key, int cpu, int memory) {
        return new Packer.Demand(key, cpu, memory, Set.of());
    }
}
