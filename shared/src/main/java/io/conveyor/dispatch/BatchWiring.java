package io.conveyor.dispatch;

import io.conveyor.batch.BatchDriver;
import io.conveyor.batch.BatchStore;
import io.conveyor.batch.GatherFolders;
import io.conveyor.pipeline.PipelineJobs;
import java.util.Objects;
import java.util.function.Function;

/**
 * How dispatch keeps pipelines' batches: their records, gathers' folders, where a look again goes, where archives'
 * members are unpacked, and where a listing's objects are found (by the bucket of its batch).
 */
record BatchWiring(BatchStore store, GatherFolders folders, BatchDriver.LookAgainLater later,
                   PipelineJobs.Members members, Function<String, PipelineJobs.Listings> listings) {
    BatchWiring {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(folders, "folders");
        Objects.requireNonNull(later, "later");
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(listings, "listings");
    }
}
