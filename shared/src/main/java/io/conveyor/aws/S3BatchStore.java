package io.conveyor.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.conveyor.batch.BatchRecord;
import io.conveyor.batch.BatchStore;
import io.conveyor.batch.OpenBatches;
import io.conveyor.json.Json;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.ObjectStore;
import io.conveyor.storage.S3Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import io.conveyor.storage.StoredObject;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Batch records in the output bucket ({@code batches/<pipeline>/<batch>.json}), next to the job records.
 *
 * <p>As {@link S3JobStore}: creation sends {@code If-None-Match: *}, so of two writers exactly one creates
 * the record; a replace sends {@code If-Match} with the ETag that was read, so a gather decided meanwhile by
 * another writer is never overwritten (S3 answers 412, and the writer reads again).
 *
 * <p>It keeps the open batches' index ({@link OpenBatches}) too, the one place its rule is written: an empty object
 * {@code open-batches/<pipeline>/<batch>} is put before a record is first created (so no record lacks one, though a
 * lost creation may leave one without a record) and deleted when a write settles the record ({@link
 * BatchRecord#settled}; DELETE requests cost nothing, so every settled write deletes it again).
 */
public final class S3BatchStore implements BatchStore, OpenBatches {

    private final S3Client s3;
    private final S3ObjectStore objects;
    private final String bucket;

    public S3BatchStore(S3Client s3, String bucket) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.objects = new S3ObjectStore(s3);
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
        if (!record.settled()) {
            s3.putObject(r -> r.bucket(bucket).key(BucketLayout.openBatchKey(record.pipeline(), record.batch())),
                    RequestBody.empty());
        }
        return conditionalPut(record, null);
    }

    @Override
    public boolean replace(BatchRecord record, String version) {
        boolean written = conditionalPut(record, S3Keys.unquote(Objects.requireNonNull(version, "version")));
        if (written && record.settled()) {
            remove(record.pipeline(), record.batch());
        }
        return written;
    }

    @Override
    public List<Entry> list(int limit) {
        List<Entry> entries = new ArrayList<>();
        for (StoredObject object : objects.list(bucket, BucketLayout.OPEN_BATCHES_PREFIX, limit)) {
            String rest = object.ref().key().substring(BucketLayout.OPEN_BATCHES_PREFIX.length());
            int slash = rest.indexOf('/');
            if (slash > 0 && slash < rest.length() - 1 && rest.indexOf('/', slash + 1) < 0) {
                entries.add(new Entry(rest.substring(0, slash), rest.substring(slash + 1)));
            }
        }
        return entries;
    }

    @Override
    public void remove(String pipeline, String batch) {
        s3.deleteObject(r -> r.bucket(bucket).key(BucketLayout.openBatchKey(pipeline, batch)));
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
