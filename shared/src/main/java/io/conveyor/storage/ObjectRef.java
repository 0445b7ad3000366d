package io.conveyor.storage;

import java.util.Objects;

/**
 * Where an object lies: a bucket and a decoded key (as the user wrote it, not URL-encoded).
 */
public record ObjectRef(String bucket, String key) {

    public ObjectRef {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("bucket must not be blank");
        }
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
    }

    /**
     * The object an {@code s3://bucket/key} URI names (as {@link #uri()} writes it).
     *
     * @throws IllegalArgumentException when it is not such a URI
     */
    public static ObjectRef parse(String uri) {
        if (uri == null || !uri.startsWith("s3://")) {
            throw new IllegalArgumentException("not an s3://bucket/key URI: " + uri);
        }
        int slash = uri.indexOf('/', "s3://".length());
        if (slash < 0) {
            throw new IllegalArgumentException("not an s3://bucket/key URI (no key): " + uri);
        }
        return new ObjectRef(uri.substring("s3://".length(), slash), uri.substring(slash + 1));
    }

    /**
     * The {@code s3://bucket/key} form, for logs and records.
     */
    public String uri() {
        return "s3://" + bucket + "/" + key;
    }

    @Override
    public String toString() {
        return uri();
    }
}
