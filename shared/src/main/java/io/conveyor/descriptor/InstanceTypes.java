package io.conveyor.descriptor;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The EC2 instance types Conveyor knows, with what a task can use of each.
 *
 * <p>ECS registers a little less memory than the instance has (the OS and the agent keep some). The
 * usable memory here is a conservative estimate: 90% of the instance's, less 128 MiB.
 */
public final class InstanceTypes {

    /** What one instance type offers. */
    public record Capacity(String type, int vcpus, int memoryMiB, int gpus) {

        /** Memory a task can count on. */
        public int usableMemoryMiB() {
            return (int) (memoryMiB * 0.9) - 128;
        }

        /** Whether one task with these resources fits on an empty instance of this type. */
        public boolean fits(Descriptor.Resources resources) {
            return resources.vcpu() <= vcpus && resources.taskMemoryMiB() <= usableMemoryMiB() && resources.gpu() <= gpus;
        }
    }

    private static final Map<String, Capacity> KNOWN = new TreeMap<>();

    static {
        add("t2.micro", 1, 1024, 0);
        add("t2.small", 1, 2048, 0);
        add("t2.medium", 2, 4096, 0);
        add("t2.large", 2, 8192, 0);
        for (String family : new String[] {"t3", "t3a"}) {
            add(family + ".micro", 2, 1024, 0);
            add(family + ".small", 2, 2048, 0);
            add(family + ".medium", 2, 4096, 0);
            add(family + ".large", 2, 8192, 0);
            add(family + ".xlarge", 4, 16384, 0);
            add(family + ".2xlarge", 8, 32768, 0);
        }
        for (String family : new String[] {"m5", "m6i", "m7i"}) {
            add(family + ".large", 2, 8192, 0);
            add(family + ".xlarge", 4, 16384, 0);
            add(family + ".2xlarge", 8, 32768, 0);
            add(family + ".4xlarge", 16, 65536, 0);
        }
        for (String family : new String[] {"c5", "c6i", "c7i"}) {
            add(family + ".large", 2, 4096, 0);
            add(family + ".xlarge", 4, 8192, 0);
            add(family + ".2xlarge", 8, 16384, 0);
            add(family + ".4xlarge", 16, 32768, 0);
        }
        for (String family : new String[] {"r5", "r6i"}) {
            add(family + ".large", 2, 16384, 0);
            add(family + ".xlarge", 4, 32768, 0);
            add(family + ".2xlarge", 8, 65536, 0);
        }
        add("g4dn.xlarge", 4, 16384, 1);
        add("g4dn.2xlarge", 8, 32768, 1);
        add("g5.xlarge", 4, 16384, 1);
        add("g5.2xlarge", 8, 32768, 1);
    }

    private InstanceTypes() {
    }

    private static void add(String type, int vcpus, int memoryMiB, int gpus) {
        KNOWN.put(type, new Capacity(type, vcpus, memoryMiB, gpus));
    }

    /** The capacity of a known type. */
    public static Optional<Capacity> of(String type) {
        return Optional.ofNullable(KNOWN.get(type));
    }

    /** Every known type, by name. */
    public static Map<String, Capacity> all() {
        return java.util.Collections.unmodifiableMap(KNOWN);
    }
}
