package io.conveyor.dispatch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Packs tasks onto instances: best-fit decreasing. The biggest task (memory, then CPU) is placed
 * first, each on the instance it leaves the least memory free on. Tight packing keeps other
 * instances empty, so their idle alarms can stop them.
 */
public final class Packer {

    private Packer() {
    }

    /**
     * Free room on one instance.
     *
     * @param id           the container instance (or a planned one)
     * @param instanceType its EC2 instance type, or {@code null} when unknown
     * @param cpuUnits     free CPU units (1024 per vCPU)
     * @param memoryMiB    free memory
     */
    public record Bin(String id, String instanceType, int cpuUnits, int memoryMiB) {
        public Bin {
            Objects.requireNonNull(id, "id");
        }

        boolean fits(Demand demand) {
            return demand.cpuUnits() <= cpuUnits && demand.memoryMiB() <= memoryMiB
                    && (demand.instanceTypes().isEmpty() || demand.instanceTypes().contains(instanceType));
        }

        Bin minus(Demand demand) {
            return new Bin(id, instanceType, cpuUnits - demand.cpuUnits(), memoryMiB - demand.memoryMiB());
        }
    }

    /**
     * One task to place.
     *
     * @param key           what it is (a job id)
     * @param cpuUnits      CPU units it reserves
     * @param memoryMiB     memory it reserves
     * @param instanceTypes the types it may run on (any when empty)
     */
    public record Demand(String key, int cpuUnits, int memoryMiB, Set<String> instanceTypes) {
        public Demand {
            Objects.requireNonNull(key, "key");
            instanceTypes = instanceTypes == null ? Set.of() : Set.copyOf(instanceTypes);
        }
    }

    /**
     * Where each demand went.
     *
     * @param placed   demand key → bin id, in placement order
     * @param unplaced what did not fit anywhere
     * @param opened   bins that were opened on the way (see {@link #pack(List, List, Function, int)}), in order
     */
    public record Packing(Map<String, String> placed, List<Demand> unplaced, List<Bin> opened) {
        public Packing {
            placed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(placed));
            unplaced = List.copyOf(unplaced);
            opened = List.copyOf(opened);
        }
    }

    /** Packs onto the given bins only. */
    public static Packing pack(List<Demand> demands, List<Bin> bins) {
        return pack(demands, bins, demand -> Optional.empty(), 0);
    }

    /**
     * Packs onto the given bins; a demand that fits none opens a bin from {@code opener} (empty when no
     * new bin would hold it), at most {@code maxOpened} of them. Opened bins take later demands too.
     */
    public static Packing pack(List<Demand> demands, List<Bin> bins, Function<Demand, Optional<Bin>> opener,
                               int maxOpened) {
        List<Bin> free = new ArrayList<>(bins);
        List<Bin> opened = new ArrayList<>();
        Map<String, String> placed = new LinkedHashMap<>();
        List<Demand> unplaced = new ArrayList<>();
        List<Demand> order = new ArrayList<>(demands);
        order.sort(Comparator.comparingInt(Demand::memoryMiB).reversed()
                .thenComparing(Comparator.comparingInt(Demand::cpuUnits).reversed())
                .thenComparing(Demand::key));
        for (Demand demand : order) {
            int best = -1;
            for (int i = 0; i < free.size(); i++) {
                Bin bin = free.get(i);
                if (bin.fits(demand) && (best < 0 || tighter(bin, free.get(best)))) {
                    best = i;
                }
            }
            if (best < 0 && opened.size() < maxOpened) {
                Optional<Bin> fresh = opener.apply(demand).filter(bin -> bin.fits(demand));
                if (fresh.isPresent()) {
                    opened.add(fresh.get());
                    free.add(fresh.get());
                    best = free.size() - 1;
                }
            }
            if (best < 0) {
                unplaced.add(demand);
            } else {
                placed.put(demand.key(), free.get(best).id());
                free.set(best, free.get(best).minus(demand));
            }
        }
        return new Packing(placed, unplaced, opened);
    }

    private static boolean tighter(Bin candidate, Bin current) {
        if (candidate.memoryMiB() != current.memoryMiB()) {
            return candidate.memoryMiB() < current.memoryMiB();
        }
        if (candidate.cpuUnits() != current.cpuUnits()) {
            return candidate.cpuUnits() < current.cpuUnits();
        }
        return candidate.id().compareTo(current.id()) < 0;
    }
}
