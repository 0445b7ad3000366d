package io.conveyor.dispatch;

import io.conveyor.descriptor.InstanceTypes;
import io.conveyor.fleet.FleetInstance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What to do for tasks that fit no registered container instance, in this order:
 * <ol>
 *   <li>wait for instances already on their way (pending, or running but not yet in the cluster);</li>
 *   <li>start stopped Conveyor instances of an allowed type;</li>
 *   <li>launch new instances from the launch template;</li>
 * </ol>
 * never beyond the cap, which counts pending, running and stopping instances.
 */
public final class CapacityPlanner {

    private final int maxInstances;
    private final String defaultInstanceType;

    /**
     * @param maxInstances        the most instances that may be live at once
     * @param defaultInstanceType what to launch for algorithms that name no instance types
     */
    public CapacityPlanner(int maxInstances, String defaultInstanceType) {
        if (maxInstances < 0) {
            throw new IllegalArgumentException("maxInstances must not be negative, was " + maxInstances);
        }
        this.maxInstances = maxInstances;
        this.defaultInstanceType = Objects.requireNonNull(defaultInstanceType, "defaultInstanceType");
    }

    /**
     * The plan.
     *
     * @param start  stopped instances to start
     * @param launch instance type → how many to launch
     * @param notes  per demand key, what it waits for (every demand has one)
     * @param live   instances counted against the cap before this plan
     * @param atCap  demands left waiting only because the cap is reached (an instance type would fit them)
     */
    public record Plan(List<String> start, Map<String, Integer> launch, Map<String, String> notes, int live,
                       int atCap) {
        public Plan {
            start = List.copyOf(start);
            launch = Map.copyOf(launch);
            notes = Map.copyOf(notes);
        }

        /** Instances this plan adds to the live ones. */
        public int added() {
            return start.size() + launch.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * @param waiting    tasks that fit no registered container instance
     * @param fleet      Conveyor's instances (not terminated)
     * @param settled    EC2 ids of the instances the cluster knows as ready or draining (a running
     *                   instance not among them is still starting up)
     */
    public Plan plan(List<Packer.Demand> waiting, List<FleetInstance> fleet, Set<String> settled) {
        int live = (int) fleet.stream().filter(FleetInstance::live).count();
        Map<String, String> notes = new LinkedHashMap<>();

        // 1. Instances on their way: pending, or running and not registered yet (still booting).
        List<Packer.Bin> incoming = new ArrayList<>();
        for (FleetInstance instance : fleet) {
            boolean booting = instance.state() == FleetInstance.State.PENDING
                    || instance.state() == FleetInstance.State.RUNNING && !settled.contains(instance.instanceId());
            if (booting) {
                emptyBin(instance.instanceId(), instance.instanceType()).ifPresent(incoming::add);
            }
        }
        Packer.Packing onTheirWay = Packer.pack(waiting, incoming);
        onTheirWay.placed().forEach((key, id) -> notes.put(key, "waits for " + id + ", which is starting up"));

        // 2 and 3. Stopped instances first, then new ones, within the cap.
        int budget = Math.max(0, maxInstances - live);
        List<FleetInstance> stoppedLeft = new ArrayList<>(fleet.stream()
                .filter(instance -> instance.state() == FleetInstance.State.STOPPED)
                .sorted(Comparator.comparing(FleetInstance::instanceId)).toList());
        int[] launched = {0};
        Packer.Packing more = Packer.pack(onTheirWay.unplaced(), List.of(), demand -> {
            for (Iterator<FleetInstance> it = stoppedLeft.iterator(); it.hasNext(); ) {
                FleetInstance instance = it.next();
                Optional<Packer.Bin> bin = emptyBin(instance.instanceId(), instance.instanceType())
                        .filter(candidate -> candidate.fits(demand));
                if (bin.isPresent()) {
                    it.remove();
                    return bin;
                }
            }
            return typeFor(demand).map(type -> new Packer.Bin("new-" + (++launched[0]), type.type(),
                    type.vcpus() * 1024, type.usableMemoryMiB()));
        }, budget);

        // Opened bins are stopped instances (by their id) or new ones (any other id).
        Set<String> stoppedIds = fleet.stream().filter(instance -> instance.state() == FleetInstance.State.STOPPED)
                .map(FleetInstance::instanceId).collect(java.util.stream.Collectors.toSet());
        Map<String, Packer.Bin> opened = new LinkedHashMap<>();
        more.opened().forEach(bin -> opened.put(bin.id(), bin));
        List<String> start = new ArrayList<>();
        Map<String, Integer> launch = new TreeMap<>();
        for (Packer.Bin bin : opened.values()) {
            if (stoppedIds.contains(bin.id())) {
                start.add(bin.id());
            } else {
                launch.merge(bin.instanceType(), 1, Integer::sum);
            }
        }
        more.placed().forEach((key, id) -> notes.put(key, stoppedIds.contains(id)
                ? "waits for " + id + ", which is being started"
                : "waits for a new " + opened.get(id).instanceType() + " instance"));
        int atCap = 0;
        for (Packer.Demand demand : more.unplaced()) {
            atCap += typeFor(demand).isEmpty() ? 0 : 1;
            notes.put(demand.key(), typeFor(demand).isEmpty()
                    ? "no instance type Conveyor may launch has " + demand.cpuUnits() + " CPU units and "
                    + demand.memoryMiB() + " MiB for it"
                    : "the instance cap is reached (" + live + " of MaxInstances " + maxInstances + " live"
                    + (budget > 0 ? ", " + more.opened().size() + " more on their way" : "") + ")");
        }
        return new Plan(start, launch, notes, live, atCap);
    }

    /** What a new instance for this demand would be: one of its allowed types, else the default, else the smallest that fits. */
    Optional<InstanceTypes.Capacity> typeFor(Packer.Demand demand) {
        Comparator<InstanceTypes.Capacity> smallest = Comparator.comparingInt(InstanceTypes.Capacity::memoryMiB)
                .thenComparingInt(InstanceTypes.Capacity::vcpus).thenComparing(InstanceTypes.Capacity::type);
        if (!demand.instanceTypes().isEmpty()) {
            return demand.instanceTypes().stream().map(InstanceTypes::of).flatMap(Optional::stream)
                    .filter(type -> fits(type, demand)).min(smallest);
        }
        Optional<InstanceTypes.Capacity> preferred = InstanceTypes.of(defaultInstanceType).filter(type -> fits(type, demand));
        if (preferred.isPresent()) {
            return preferred;
        }
        return InstanceTypes.all().values().stream().filter(type -> type.gpus() == 0 && fits(type, demand)).min(smallest);
    }

    private static boolean fits(InstanceTypes.Capacity type, Packer.Demand demand) {
        return demand.cpuUnits() <= type.vcpus() * 1024 && demand.memoryMiB() <= type.usableMemoryMiB();
    }

    private static Optional<Packer.Bin> emptyBin(String id, String type) {
        return InstanceTypes.of(type == null ? "" : type)
                .map(capacity -> new Packer.Bin(id, capacity.type(), capacity.vcpus() * 1024, capacity.usableMemoryMiB()));
    }
}
