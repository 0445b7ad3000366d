package io.conveyor.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobStore;
import io.conveyor.json.Json;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.S3Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Job records in the output bucket ({@code jobs/<id>.json}), next to the outputs their users read.
 *
 * <p>S3's conditional writes make the record the job's identity: creation sends
 * {@code If-None-Match: *}, so of two writers exactly one creates it; a conditional replace sends
 * {@code If-Match} with the ETag that was read, so a change made meanwhile is never overwritten.
 */
public final class S3JobStore implements JobStore {

    private final S3Client s3;
    private final S3ObjectStore objects;
    private final String bucket;

    public S3JobStore(S3Client s3, String bucket) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.objects = new S3ObjectStore(s3);
        this.bucket = Objects.requireNonNull(bucket, "bucket");
    }

    @Override
    public Optional<JobRecord> get(String id) {
        return read(id).map(Versioned::record);
    }

    @Override
    public Optional<Versioned> read(String id) {
        try {
            ResponseBytes<GetObjectResponse> object = s3.getObjectAsBytes(request -> request.bucket(bucket)
                    .key(BucketLayout.jobRecordKey(id)));
            return Optional.of(new Versioned(Json.mapper().readValue(object.asByteArray(), JobRecord.class),
                    object.response().eTag()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("job record s3://" + bucket + "/" + BucketLayout.jobRecordKey(id)
                    + " is not a job record", e);
        }
    }

    @Override
    public boolean create(JobRecord record) {
        return conditionalPut(record, true, null);
    }

    @Override
    public boolean replace(JobRecord record, String version) {
        Objects.requireNonNull(version, "version");
        return conditionalPut(record, false, version);
    }

    /**
     * Records in S3 are listed through the job index, never by reading them all: wrap this store in an
     * {@link io.conveyor.jobs.IndexedJobStore} with a {@link DynamoDbJobIndex}.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public List<io.conveyor.jobs.JobSummary> list(io.conveyor.jobs.JobQuery query) {
        throw new UnsupportedOperationException("S3JobStore lists no jobs itself (that would read every record):"
                + " list through IndexedJobStore and the job index (DynamoDbJobIndex)");
    }

    @Override
    public List<JobRecord> all() {
        List<JobRecord> records = new ArrayList<>();
        for (S3Object object : s3.listObjectsV2Paginator(request -> request.bucket(bucket)
                .prefix(BucketLayout.JOBS_PREFIX)).contents()) {
            String name = object.key().substring(BucketLayout.JOBS_PREFIX.length());
            if (name.endsWith(".json")) {
                get(name.substring(0, name.length() - ".json".length())).ifPresent(records::add);
            }
        }
        return List.copyOf(records);
    }

    /** One conditional {@code PutObject}, as the object store writes it (409 conflicts asked again). */
    private boolean conditionalPut(JobRecord record, boolean create, String ifMatch) {
        byte[] json;
        try {
            json = Json.mapper().writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write job record " + record.id(), e);
        }
        return objects.writeIfUnchanged(new ObjectRef(bucket, BucketLayout.jobRecordKey(record.id())), json,
                "application/json", create ? null : S3Keys.unquote(ifMatch));
    }
}
