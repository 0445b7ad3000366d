package io.conveyor.batch;

import java.util.List;
import java.util.Objects;

/**
 * The index of the batches not yet settled ({@link BatchRecord#settled}), which a reconciler looks at on each pass
 * so that a batch whose look-again was lost still ends at its quiet period or deadline. Its store keeps it: an entry is
 * written before a batch's record is first created and removed when a write settles the record. An entry may outlive
 * its batch (a removal lost): the reader removes it. A batch without one is only not looked at by the reconciler.
 */
public interface OpenBatches {

    /** One batch of a pipeline. */
    record Entry(String pipeline, String batch) {
        public Entry {
            Objects.requireNonNull(pipeline, "pipeline");
            Objects.requireNonNull(batch, "batch");
        }
    }

    /** The entries, in key order, at most {@code limit} of them. */
    List<Entry> list(int limit);

    /** Removes a batch's entry; none is no error. */
    void remove(String pipeline, String batch);
}
