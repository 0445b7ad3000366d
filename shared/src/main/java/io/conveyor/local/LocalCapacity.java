package io.conveyor.local;

import io.conveyor.descriptor.Descriptor;

/**
 * This machine's CPUs and memory, handed out to running jobs by the same rule as on EC2: a job
 * starts only where its vCPUs and task memory fit.
 */
public final class LocalCapacity {

    private final double cpus;
    private final long memoryMiB;
    private double usedCpus;
    private long usedMemoryMiB;

    public LocalCapacity(double cpus, long memoryMiB) {
        if (cpus <= 0 || memoryMiB <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + cpus + " CPUs, " + memoryMiB + " MiB");
        }
        this.cpus = cpus;
        this.memoryMiB = memoryMiB;
    }

    /** Whether a job of these resources could ever run here. */
    public boolean couldFit(Descriptor.Resources resources) {
        return resources.vcpu() <= cpus && resources.taskMemoryMiB() <= memoryMiB && resources.gpu() == 0;
    }

    /** Reserves room for a job if it fits now. */
    public synchronized boolean tryReserve(Descriptor.Resources resources) {
        if (usedCpus + resources.vcpu() > cpus + 1e-9 || usedMemoryMiB + resources.taskMemoryMiB() > memoryMiB) {
            return false;
        }
        usedCpus += resources.vcpu();
        usedMemoryMiB += resources.taskMemoryMiB();
        return true;
    }

    /** Gives back what {@link #tryReserve} took. */
    public synchronized void release(Descriptor.Resources resources) {
        usedCpus = Math.max(0, usedCpus - resources.vcpu());
        usedMemoryMiB = Math.max(0, usedMemoryMiB - resources.taskMemoryMiB());
    }

    @Override
    public String toString() {
        return cpus + " CPUs, " + memoryMiB + " MiB";
    }
}
