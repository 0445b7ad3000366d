package io.conveyor.aws;

import io.conveyor.reconcile.AttemptOutputs;
import io.conveyor.storage.ObjectRef;
import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/** Whether a job's output prefix holds an object written since a time: ListObjectsV2, at most 10 pages. */
public final class S3AttemptOutputs implements AttemptOutputs {

    private static final int MAX_PAGES = 10;

    private final S3Client s3;

    public S3AttemptOutputs(S3Client s3) {
        this.s3 = Objects.requireNonNull(s3, "s3");
    }

    @Override
    public boolean writtenSince(String outputLocation, Instant since) {
        ObjectRef prefix = ObjectRef.parse(outputLocation);
        String token = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            String continuation = token;
            ListObjectsV2Response listed = s3.listObjectsV2(r -> r.bucket(prefix.bucket()).prefix(prefix.key())
                    .continuationToken(continuation));
            if (listed.contents().stream().anyMatch(o -> !o.lastModified().isBefore(since))) {
                return true;
            }
            token = Boolean.TRUE.equals(listed.isTruncated()) ? listed.nextContinuationToken() : null;
            if (token == null) {
                return false;
            }
        }
        // A folder this large was written by some attempt; its outcome is not worth a guess.
        return true;
    }
}
