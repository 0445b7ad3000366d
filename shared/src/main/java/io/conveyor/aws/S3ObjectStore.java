package io.conveyor.aws;

import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.ObjectStore;
import io.conveyor.storage.StoredObject;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import io.conveyor.storage.S3Keys;
import io.conveyor.storage.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.HexFormat;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The object store on S3.
 */
public final class S3ObjectStore implements ObjectStore {

    private static final int PRECONDITION_FAILED = 412;
    private static final int CONFLICT = 409;

    private final S3Client s3;

    public S3ObjectStore(S3Client s3) {
        this.s3 = Objects.requireNonNull(s3, "s3");
    }

    @Override
    public Optional<StoredObject> describe(ObjectRef ref, String versionId) {
        try {
            HeadObjectResponse head = s3.headObject(request -> request.bucket(ref.bucket()).key(ref.key())
                    .versionId(versionId));
            return Optional.of(new StoredObject(ref, head.versionId(), head.eTag(), head.contentLength(),
                    head.metadata()));
        } catch (S3Exception e) {
            // HEAD has no body, so a missing key arrives as a bare 404, not always NoSuchKeyException.
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public byte[] read(StoredObject object) {
        try {
            return s3.getObjectAsBytes(request -> request.bucket(object.ref().bucket()).key(object.ref().key())
                    .versionId(object.versionId())).asByteArray();
        } catch (NoSuchKeyException e) {
            throw new NoSuchElementException(object.ref() + " (version " + object.versionId() + ") is gone");
        }
    }

    @Override
    public Optional<byte[]> readCurrent(ObjectRef ref) {
        try {
            return Optional.of(s3.getObjectAsBytes(request -> request.bucket(ref.bucket()).key(ref.key())).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /**
     * The uploader's checksum when S3 kept a full-object SHA-256 ({@code HeadObject} with checksum mode): a
     * {@code PutObject} that sent {@code ChecksumSHA256}. A multipart upload's SHA-256 is a checksum of its parts'
     * checksums ({@code COMPOSITE}, S3 has no full-object SHA-256 of one), so that object is read through a digest
     * instead, as is one uploaded without a SHA-256. Both requests name the entity tag ({@code If-Match}).
     */
    @Override
    public Optional<String> sha256(StoredObject object) {
        String ifMatch = "\"" + object.eTag() + "\"";
        try {
            HeadObjectResponse head = s3.headObject(request -> request.bucket(object.ref().bucket())
                    .key(object.ref().key()).versionId(object.versionId()).ifMatch(ifMatch)
                    .checksumMode(ChecksumMode.ENABLED));
            Optional<String> kept = fullObjectSha256(head.checksumSHA256(), head.checksumType(), head.eTag());
            if (kept.isPresent()) {
                return kept;
            }
            try (ResponseInputStream<GetObjectResponse> content = s3.getObject(request -> request
                    .bucket(object.ref().bucket()).key(object.ref().key()).versionId(object.versionId()).ifMatch(ifMatch))) {
                return Optional.of(Digests.sha256(content));
            }
        } catch (S3Exception e) {
            // 404: deleted; 412: another version is there now (its own notification brings it).
            if (e.statusCode() == 404 || e.statusCode() == PRECONDITION_FAILED) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + object.ref() + " to its end", e);
        }
    }

    /**
     * A SHA-256 checksum S3 kept (base64) as lowercase hex, when it is the whole object's: its type says
     * {@code FULL_OBJECT}, or says nothing of an object that is not a multipart upload's (its entity tag has no
     * {@code -<parts>}); a composite one (of parts' checksums, {@code <base64>-<parts>}) is not.
     */
    static Optional<String> fullObjectSha256(String checksum, ChecksumType type, String eTag) {
        boolean whole = type == ChecksumType.FULL_OBJECT || type == null && eTag != null && !S3Keys.unquote(eTag).contains("-");
        if (checksum == null || !whole) {
            return Optional.empty();
        }
        try {
            byte[] digest = Base64.getDecoder().decode(checksum);
            return digest.length == 32 ? Optional.of(HexFormat.of().formatHex(digest)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Tagged> readTagged(ObjectRef ref) {
        try {
            ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(request -> request.bucket(ref.bucket()).key(ref.key()));
            return Optional.of(new Tagged(got.asByteArray(), S3Keys.unquote(got.response().eTag())));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean writeIfUnchanged(ObjectRef ref, byte[] content, String contentType, String expectedETag) {
        for (int tries = 1; ; tries++) {
            try {
                s3.putObject(request -> request.bucket(ref.bucket()).key(ref.key()).contentType(contentType)
                        .ifNoneMatch(expectedETag == null ? "*" : null)
                        .ifMatch(expectedETag == null ? null : "\"" + expectedETag + "\""), RequestBody.fromBytes(content));
                return true;
            } catch (S3Exception e) {
                if (e.statusCode() == PRECONDITION_FAILED) {
                    return landedAnyway(ref, content);
                }
                // 409 ConditionalRequestConflict: another conditional write of the key is under way; ask again.
                if (e.statusCode() != CONFLICT || tries == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Whether a conditional write refused with 412 was this very write: S3 wrote it, its answer was lost
     * (a 5xx, a dropped connection), and the SDK's retry met its own write's condition. Then the object holds
     * exactly these bytes; a writer who thought it lost would leave a job started by nobody, or an index
     * entry nobody writes.
     */
    private boolean landedAnyway(ObjectRef ref, byte[] content) {
        return readTagged(ref).map(now -> java.util.Arrays.equals(now.content(), content)).orElse(false);
    }

    @Override
    public void write(ObjectRef ref, byte[] content, String contentType) {
        s3.putObject(request -> request.bucket(ref.bucket()).key(ref.key()).contentType(contentType),
                RequestBody.fromBytes(content));
    }

    @Override
    public List<StoredObject> list(String bucket, String prefix, int limit) {
        List<StoredObject> found = new ArrayList<>();
        String token = null;
        do {
            String continuation = token;
            ListObjectsV2Response page = s3.listObjectsV2(request -> request.bucket(bucket).prefix(prefix)
                    .continuationToken(continuation).maxKeys(Math.min(1000, limit - found.size())));
            for (S3Object object : page.contents()) {
                found.add(new StoredObject(new ObjectRef(bucket, object.key()), null, object.eTag(), object.size()));
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null && found.size() < limit);
        return found;
    }
}
