package io.conveyor.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.conveyor.batch.BatchRecord;
import io.conveyor.batch.BatchStore;
import io.conveyor.json.Json;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.ObjectStore;
import io.conveyor.storage.S3Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Batch records in the output bucket ({@code batches/<pipeline>/<batch>.json}), next to the job records.
 *
 * <p>As {@link S3JobStore}: creation sends {@code If-None-Match: *}, so of two writers exactly one creates
 * the record; a replace sends {@code If-Match} with the ETag that was read, so a gather decided meanwhile by
 * another writer is never overwritten (S3 answers 412, and the writer reads again).
 */
public final class S3BatchStore implements BatchStore {

    private final S3ObjectStore objects;
    private final String bucket;

    public S3BatchStore(S3Client s3, String bucket) {
        this.objects = new S3ObjectStore(Objects.requireNonNull(s3, "s3"));
        this.bucket = Objects.requireNonNull(bucket, "bucket");
    }

    @Override
    public Optional<Versioned> read(String pipeline, String batch) {
        ObjectRef ref = ref(pipeline, batch);
        Optional<ObjectStore.Tagged> object = objects.readTagged(ref);
        if (object.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Versioned(Json.mapper().readValue(object.get().content(), BatchRecord.class),
                    object.get().eTag()));
        } catch (IOException e) {
            throw new UncheckedIOException("batch record s3://" + bucket + "/" + ref.key() + " is not a batch record", e);
        }
    }

    @Override
    public boolean create(BatchRecord record) {
        return conditionalPut(record, null);
    }

    @Override
    public boolean replace(BatchRecord record, String version) {
        return conditionalPut(record, S3Keys.unquote(Objects.requireNonNull(version, "version")));
    }

    private boolean conditionalPut(BatchRecord record, String ifMatch) {
        byte[] json;
        try {
            json = Json.mapper().writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write batch record " + record.pipeline() + "/" + record.batch(), e);
        }
        return objects.writeIfUnchanged(ref(record.pipeline(), record.batch()), json, "application/json", ifMatch);
    }

    private ObjectRef ref(String pipeline, String batch) {
        return new ObjectRef(bucket, BucketLayout.batchRecordKey(pipeline, batch));
    }
}
