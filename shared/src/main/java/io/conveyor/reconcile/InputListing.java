package io.conveyor.reconcile;

import java.util.List;

/**
 * Lists the input bucket's {@code inputs/} a page at a time, from a checkpoint, so that passes of the
 * reconciler cover a large bucket over time (S3 on AWS: {@code ListObjectVersions}).
 */
public interface InputListing {

    /**
     * The current version of each input key after {@code startAfter} (from the first when {@code null}), in key
     * order, at most {@code limit} keys; deleted keys (a delete marker on top) are left out.
     */
    Page after(String startAfter, int limit);

    /**
     * One page.
     *
     * @param inputs the keys' current versions, in key order
     * @param more   whether keys follow the last one
     */
    record Page(List<InputObject> inputs, boolean more) {
        public Page {
            inputs = List.copyOf(inputs);
        }
    }
}
