package io.conveyor.storage;

/**
 * Where things lie in Conveyor's buckets. The template's notification filters use the same prefixes.
 */
public final class BucketLayout {

    /** Algorithm descriptors, in the input bucket. */
    public static final String ALGORITHMS_PREFIX = "algorithms/";
    /** Input files, in the input bucket: {@code inputs/<algorithm>/...}. */
    public static final String INPUTS_PREFIX = "inputs/";

    private BucketLayout() {
    }
}
