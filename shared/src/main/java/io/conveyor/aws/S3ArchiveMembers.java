package io.conveyor.aws;

import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.pipeline.ArchiveEntries;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.S3Keys;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Archive members on AWS ({@link PipelineJobs.Members}): the archive object is streamed from S3 ({@code GetObject}
 * of exactly the notified version, {@code If-Match} its ETag; no temporary file), read by {@link ArchiveEntries} (the
 * rules the local mode shares), and each regular member is written once to the output bucket at
 * {@link BucketLayout#archiveMembersPrefix} followed by its path: {@code outputs/<pipeline>/<batch>/<step>.members/
 * <archive path below the batch>/<archive ETag, 16>/<member path>}, as below the local outbox.
 *
 * <p>Nothing is written unless every member passes: the archive is read once to check it, then again to write the
 * members the folder lacks (one listing says which; a redelivery that finds them all reads the archive once and
 * writes nothing). A member is written with {@code If-None-Match: *} (a racing writer's copy is the same bytes) or,
 * above {@value #PART_BYTES} bytes, in parts. Each member is a job input at its {@code s3://} URI with version
 * {@code etag:<its ETag>}: the same bytes have the same ETag (MD5 under SSE-S3), so a rerun or redelivery gives the
 * same members and the same job ids, and dispatch checks a member is unchanged before it runs, as for any input.
 */
public final class S3ArchiveMembers implements PipelineJobs.Members {

    /** Members up to this size are written in one {@code PutObject}; larger ones in parts of this size. */
    static final int PART_BYTES = 8 * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final int maxMembers;
    private final long maxBytes;

    public S3ArchiveMembers(S3Client s3, String outputBucket) {
        this(s3, outputBucket, ArchiveEntries.MAX_MEMBERS, ArchiveEntries.MAX_BYTES);
    }

    /** With other bounds, for tests. */
    S3ArchiveMembers(S3Client s3, String outputBucket, int maxMembers, long maxBytes) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.bucket = Objects.requireNonNull(outputBucket, "outputBucket");
        this.maxMembers = maxMembers;
        this.maxBytes = maxBytes;
    }

    /**
     * @throws PipelineJobs.UnpackException naming the archive (and the member at fault): not an archive, a member
     *                                      refused, a bound passed, a corrupt archive, a version no longer there
     * @throws IllegalStateException        when S3 failed on the way (the message is to come again)
     */
    @Override
    public List<NewJob.JobInput> of(PipelinePlace place, NewJob.JobInput archive) throws PipelineJobs.UnpackException {
        ObjectRef ref = ObjectRef.parse(archive.location());
        String name = ref.key().substring(ref.key().lastIndexOf('/') + 1);
        ArchiveEntries.Kind kind = ArchiveEntries.kind(name).orElseThrow(() -> ArchiveEntries.notAnArchive(name));
        String prefix = BucketLayout.archiveMembersPrefix(place.pipeline(), place.batch(), place.step(),
                BucketLayout.restInBatch(ref.key(), place.pipeline(), place.batch()), archive.version());
        ArchiveEntries entries = new ArchiveEntries(name, maxMembers, maxBytes);
        List<String> paths = read(ref, archive.version(), kind, entries, (path, content) -> {
            checkKey(name, path, prefix + path);
            content.transferTo(OutputStream.nullOutputStream());
        });
        Map<String, String> eTags = listed(prefix);
        if (!paths.stream().allMatch(path -> eTags.containsKey(prefix + path))) {
            read(ref, archive.version(), kind, entries, (path, content) -> {
                if (!eTags.containsKey(prefix + path)) {
                    eTags.put(prefix + path, write(name, prefix + path, content));
                }
            });
        }
        return paths.stream().sorted().map(path -> new NewJob.JobInput(new ObjectRef(bucket, prefix + path).uri(),
                PipelineJobs.batchFileVersion(S3Keys.unquote(eTags.get(prefix + path))))).toList();
    }

    /** A member's key must fit S3's limit with room to spare for nothing else: it is an input, not an output. */
    static void checkKey(String archive, String path, String key) throws PipelineJobs.UnpackException {
        if (key.getBytes(StandardCharsets.UTF_8).length > BucketLayout.MAX_KEY_BYTES) {
            throw new PipelineJobs.UnpackException("'" + archive + "': member '" + path + "' would lie at a key longer"
                    + " than S3's " + BucketLayout.MAX_KEY_BYTES + " bytes");
        }
    }

    /** Streams exactly the archive's version through {@code entries}. */
    private List<String> read(ObjectRef ref, String version, ArchiveEntries.Kind kind, ArchiveEntries entries,
                              ArchiveEntries.Sink sink) throws PipelineJobs.UnpackException {
        // If-Match with the ETag quoted, as S3 sends it (moto compares the quoted form only).
        String eTag = PipelineJobs.batchFileETag(version).map(tag -> "\"" + S3Keys.unquote(tag) + "\"").orElse(null);
        try (InputStream raw = new BufferedInputStream(s3.getObject(r -> r.bucket(ref.bucket()).key(ref.key())
                .ifMatch(eTag)), 64 * 1024)) {
            return entries.read(raw, kind, sink);
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 404) {
                throw new PipelineJobs.UnpackException("'" + ref.key().substring(ref.key().lastIndexOf('/') + 1)
                        + "' is " + (e.statusCode() == 404 ? "gone" : "no longer the version notified (" + version + ")")
                        + ": its members are not unpacked");
            }
            throw new IllegalStateException("archive " + ref + " could not be read: " + e.getMessage(), e);
        } catch (SdkException | SocketException | SocketTimeoutException e) {
            throw new IllegalStateException("archive " + ref + " could not be read: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PipelineJobs.UnpackException("'" + ref.key().substring(ref.key().lastIndexOf('/') + 1)
                    + "' cannot be unpacked: " + e.getMessage());
        }
    }

    /** The objects under the members' folder now, by key, with their ETags. */
    private Map<String, String> listed(String prefix) {
        Map<String, String> eTags = new HashMap<>();
        for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
            eTags.put(object.key(), object.eTag());
        }
        return eTags;
    }

    /** Writes one member unless it is there; its ETag. */
    private String write(String archive, String key, InputStream content) throws IOException {
        byte[] first = content.readNBytes(PART_BYTES);
        try {
            if (first.length < PART_BYTES) {
                try {
                    return s3.putObject(r -> r.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.fromBytes(first))
                            .eTag();
                } catch (S3Exception e) {
                    if (e.statusCode() != 412) {
                        throw e;
                    }
                    // Another delivery wrote it first: the same member of the same archive version, the same bytes.
                    return s3.headObject(r -> r.bucket(bucket).key(key)).eTag();
                }
            }
            return writeInParts(key, first, content);
        } catch (SdkException e) {
            throw new IllegalStateException("member of '" + archive + "' could not be written to s3://" + bucket + "/"
                    + key + ": " + e.getMessage(), e);
        }
    }

    private String writeInParts(String key, byte[] first, InputStream content) throws IOException {
        String upload = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] part = first;
            for (int number = 1; part.length > 0; number++) {
                int n = number;
                String eTag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(upload).partNumber(n),
                        RequestBody.fromBytes(part)).eTag();
                parts.add(CompletedPart.builder().partNumber(n).eTag(eTag).build());
                part = content.readNBytes(PART_BYTES);
            }
            return s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(upload)
                    .multipartUpload(m -> m.parts(parts))).eTag();
        } catch (IOException | RuntimeException e) {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(upload));
            throw e;
        }
    }
}
