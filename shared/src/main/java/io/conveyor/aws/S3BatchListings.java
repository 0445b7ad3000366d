package io.conveyor.aws;

import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.StoredObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A bucket's listings ({@link PipelineJobs.Listings}): the objects a listing names are those below the batch's
 * folder, {@code inputs/<pipeline>/<batch>/}, of the input bucket, found with ListObjectsV2 (page by page, 1,000 keys
 * a page, no further than asked), each at its ETag ({@link PipelineJobs#batchFileVersion}). A key ending in {@code /}
 * (a console's folder) is no object. The listing is read with one ranged GetObject, at the version its job names
 * ({@code If-Match} its ETag): a listing written again since is refused, and its new version's notification makes
 * its jobs.
 */
public final class S3BatchListings implements PipelineJobs.Listings {

    private final S3Client s3;
    private final String bucket;

    /** The listings of {@code bucket}'s batch folders. */
    public S3BatchListings(S3Client s3, String bucket) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
    }

    @Override
    public byte[] read(NewJob.JobInput listing, int max) throws PipelineJobs.UnpackException {
        ObjectRef ref = ObjectRef.parse(listing.location());
        String eTag = PipelineJobs.batchFileETag(listing.version()).orElse(null);
        try {
            return s3.getObjectAsBytes(r -> r.bucket(ref.bucket()).key(ref.key()).range("bytes=0-" + max)
                    .ifMatch(eTag == null ? null : "\"" + eTag + "\"")).asByteArray();
        } catch (S3Exception e) {
            if (e.statusCode() == 416) {
                // An empty object has no first byte to range over: it is an empty listing.
                return new byte[0];
            }
            throw new PipelineJobs.UnpackException("the listing " + ref.uri() + " cannot be read" + (e.statusCode() == 412
                    ? ": it was written again since (its new version makes its jobs)" : ": " + e.getMessage()));
        } catch (SdkException e) {
            throw new PipelineJobs.UnpackException("the listing " + ref.uri() + " cannot be read: " + e.getMessage());
        }
    }

    @Override
    public List<PipelineJobs.Listed> under(PipelinePlace place, String path, int max) throws PipelineJobs.UnpackException {
        String folder = BucketLayout.INPUTS_PREFIX + place.pipeline() + "/" + place.batch() + "/";
        List<PipelineJobs.Listed> found = new ArrayList<>();
        String token = null;
        try {
            do {
                String continuation = token;
                ListObjectsV2Response page = s3.listObjectsV2(r -> r.bucket(bucket).prefix(folder + path)
                        .continuationToken(continuation).maxKeys(Math.min(1000, max + 1 - found.size())));
                for (S3Object object : page.contents()) {
                    String below = object.key().substring(folder.length());
                    if (!object.key().endsWith("/") && (path.endsWith("/") || below.equals(path))) {
                        StoredObject stored = new StoredObject(new ObjectRef(bucket, object.key()), null, object.eTag(),
                                object.size());
                        found.add(new PipelineJobs.Listed(below, new NewJob.JobInput(stored.ref().uri(),
                                PipelineJobs.batchFileVersion(stored.eTag())), stored.size()));
                    }
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null && found.size() <= max);
        } catch (SdkException e) {
            throw new PipelineJobs.UnpackException("'" + path + "' below s3://" + bucket + "/" + folder
                    + " cannot be listed: " + e.getMessage());
        }
        return found;
    }
}
