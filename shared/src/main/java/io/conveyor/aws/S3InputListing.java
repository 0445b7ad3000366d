package io.conveyor.aws;

import io.conveyor.reconcile.InputListing;
import io.conveyor.reconcile.InputObject;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * The input bucket's {@code inputs/} listed with {@code ListObjectVersions} from a key marker: each key's
 * current version with its version id (a job is named by it), one call per page of up to 1,000 versions.
 * A key whose current version is a delete marker is left out (its versions come after the marker, not latest).
 */
public final class S3InputListing implements InputListing {

    private final S3Client s3;
    private final String bucket;

    public S3InputListing(S3Client s3, String bucket) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
    }

    @Override
    public Page after(String startAfter, int limit) {
        ListObjectVersionsResponse page = s3.listObjectVersions(request -> request.bucket(bucket)
                .prefix(BucketLayout.INPUTS_PREFIX).keyMarker(startAfter).maxKeys(limit));
        List<InputObject> inputs = new ArrayList<>();
        for (ObjectVersion version : page.versions()) {
            if (Boolean.TRUE.equals(version.isLatest())) {
                // An unversioned bucket answers the version id "null".
                String id = version.versionId() == null || "null".equals(version.versionId()) ? null : version.versionId();
                inputs.add(new InputObject(new ObjectRef(bucket, version.key()), id, stripQuotes(version.eTag()),
                        version.size() == null ? 0 : version.size(), version.lastModified()));
            }
        }
        return new Page(inputs, Boolean.TRUE.equals(page.isTruncated()));
    }

    private static String stripQuotes(String eTag) {
        return eTag == null ? "" : io.conveyor.storage.S3Keys.unquote(eTag);
    }
}
