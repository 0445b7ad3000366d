package io.conveyor.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * One file of a batch folder as it arrived.
 *
 * @param name      its plain file name in the batch's folder
 * @param version   its version (S3 version id or {@code etag:…}; locally {@code sha256:…})
 * @param size      its size in bytes
 * @param sha256    its SHA-256 in lowercase hex, or {@code null} when the driver did not compute it
 * @param arrivedAt when it arrived (the upload's time, ISO-8601)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchFile(String name, String version, long size, String sha256, String arrivedAt) {

    /** Newer arrivals last; at the same instant, by version, so any order of events picks the same one. */
    static final Comparator<BatchFile> ARRIVAL = Comparator.comparing((BatchFile f) -> Instant.parse(f.arrivedAt()))
            .thenComparing(BatchFile::version);

    public BatchFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(arrivedAt, "arrivedAt");
        Instant.parse(arrivedAt);
    }

    /** The same file with its SHA-256 (lowercase hex), learnt after it was told. */
    public BatchFile withSha256(String hex) {
        return new BatchFile(name, version, size, Objects.requireNonNull(hex, "hex"), arrivedAt);
    }

    /** When it arrived. */
    public Instant arrival() {
        return Instant.parse(arrivedAt);
    }
}
