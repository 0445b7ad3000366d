package io.conveyor.aws;

import io.conveyor.batch.GatherFolders;
import io.conveyor.jobs.JobRecord;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A gather's input folder in the output bucket: each taken member's output files copied (S3 {@code CopyObject},
 * within the bucket: no byte passes through here) to {@code batches/<pipeline>/<batch>/<step>/<member job id>/<output
 * path>}.
 *
 * <p>Before any copy, each member's output prefix is listed once (a request per 1,000 files): every file its record
 * names must be there, and at most {@value #MAX_COPY_BYTES} bytes, S3's limit for one {@code CopyObject}. A larger
 * file is refused with its member and key rather than copied in parts: a gather over files of more than 5 GiB is
 * not what a folder staged onto one instance's disk is for. Nothing is copied unless every file passes. The copies
 * then overlap ({@value #PARALLEL_COPIES} at once). Filling again copies again, to the same keys the same bytes: a
 * redelivered decision changes nothing. An output path that would not stay inside its member's folder (empty,
 * {@code .} or {@code ..} segments, a leading {@code /}) is refused, as is a key beyond S3's 1,024 bytes.
 */
public final class S3GatherFolders implements GatherFolders {

    /** S3's largest object that one {@code CopyObject} copies: 5 GiB. */
    public static final long MAX_COPY_BYTES = 5L * 1024 * 1024 * 1024;
    /** How many copies run at once. */
    static final int PARALLEL_COPIES = 16;

    private final S3Client s3;
    private final String bucket;
    private final long maxCopyBytes;

    public S3GatherFolders(S3Client s3, String outputBucket) {
        this(s3, outputBucket, MAX_COPY_BYTES);
    }

    /** With a smaller copy limit, for tests. */
    S3GatherFolders(S3Client s3, String outputBucket, long maxCopyBytes) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.bucket = Objects.requireNonNull(outputBucket, "outputBucket");
        this.maxCopyBytes = maxCopyBytes;
    }

    /** One file to copy: from a member's output to the gather's folder. */
    record Copy(String member, String source, String target) {
    }

    /**
     * @throws IllegalArgumentException naming the member and the key, when a member has no output in this bucket,
     *                                  an output path leaves its folder, a file is missing or too large
     * @throws IllegalStateException    naming the member and the keys, when S3 refused a copy (after every copy ran)
     */
    @Override
    public String output(String pipeline, String batch, String step, String jobId) {
        return "s3://" + bucket + "/" + BucketLayout.outputPrefix(pipeline, batch + "/" + step, jobId);
    }

    @Override
    public String fill(String pipeline, String batch, String step, List<JobRecord> taken) {
        String folder = BucketLayout.gatherFolderKey(pipeline, batch, step);
        List<Copy> copies = new ArrayList<>();
        for (JobRecord member : taken) {
            copies.addAll(copiesOf(member, folder));
        }
        copyAll(copies);
        return new ObjectRef(bucket, folder).uri();
    }

    private List<Copy> copiesOf(JobRecord member, String folder) {
        if (member.outputs().isEmpty()) {
            return List.of();
        }
        if (member.output() == null) {
            throw new IllegalArgumentException("member " + member.id() + " lists outputs but has no output location");
        }
        ObjectRef output = ObjectRef.parse(member.output());
        if (!output.bucket().equals(bucket)) {
            throw new IllegalArgumentException("member " + member.id() + "'s output " + member.output()
                    + " is not in the output bucket " + bucket);
        }
        String prefix = output.key().endsWith("/") ? output.key() : output.key() + "/";
        Map<String, Long> sizes = sizesUnder(member.id(), prefix);
        List<Copy> copies = new ArrayList<>();
        for (String path : member.outputs()) {
            checkPath(member.id(), path);
            String source = prefix + path;
            String target = folder + member.id() + "/" + path;
            Long size = sizes.get(source);
            if (size == null) {
                throw new IllegalArgumentException("member " + member.id() + "'s output s3://" + bucket + "/" + source
                        + " is not there");
            }
            if (size > maxCopyBytes) {
                throw new IllegalArgumentException("member " + member.id() + "'s output s3://" + bucket + "/" + source
                        + " is " + size + " bytes: one CopyObject copies at most " + maxCopyBytes
                        + " bytes, and a gather's folder takes no larger file");
            }
            if (target.getBytes(StandardCharsets.UTF_8).length > BucketLayout.MAX_KEY_BYTES) {
                throw new IllegalArgumentException("member " + member.id() + "'s output " + path + " would lie at a key"
                        + " longer than S3's " + BucketLayout.MAX_KEY_BYTES + " bytes: " + target);
            }
            copies.add(new Copy(member.id(), source, target));
        }
        return copies;
    }

    /** An output path stays inside its member's folder: relative, and no segment that navigates. */
    static void checkPath(String member, String path) {
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("member " + member + "'s output path '" + path + "' has an empty, "
                        + "'.' or '..' segment: it would not stay inside the member's folder");
            }
        }
    }

    private Map<String, Long> sizesUnder(String member, String prefix) {
        Map<String, Long> sizes = new HashMap<>();
        String token = null;
        try {
            do {
                String continuation = token;
                ListObjectsV2Response page = s3.listObjectsV2(r -> r.bucket(bucket).prefix(prefix)
                        .continuationToken(continuation));
                for (S3Object object : page.contents()) {
                    sizes.put(object.key(), object.size());
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null);
        } catch (SdkException e) {
            throw new IllegalStateException("member " + member + "'s outputs under s3://" + bucket + "/" + prefix
                    + " could not be listed: " + e.getMessage(), e);
        }
        return sizes;
    }

    private void copyAll(List<Copy> copies) {
        if (copies.isEmpty()) {
            return;
        }
        List<String> failures = new ArrayList<>();
        Semaphore slots = new Semaphore(PARALLEL_COPIES);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>(copies.size());
            for (Copy copy : copies) {
                results.add(executor.submit(() -> {
                    slots.acquire();
                    try {
                        return copy(copy);
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Future<String> result : results) {
                String failure = result.get();
                if (failure != null) {
                    failures.add(failure);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while filling the gather folder", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a copy into the gather folder broke: " + e.getCause(), e.getCause());
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " of " + copies.size() + " copies into the gather folder "
                    + "failed: " + String.join("; ", failures.subList(0, Math.min(5, failures.size())))
                    + (failures.size() > 5 ? "; …" : ""));
        }
    }

    /** One copy; what failed, naming the member and the keys, or {@code null}. */
    private String copy(Copy copy) {
        try {
            s3.copyObject(r -> r.sourceBucket(bucket).sourceKey(copy.source())
                    .destinationBucket(bucket).destinationKey(copy.target()));
            return null;
        } catch (SdkException e) {
            return "member " + copy.member() + ": s3://" + bucket + "/" + copy.source() + " to " + copy.target() + ": "
                    + e.getMessage();
        }
    }
}
