package io.conveyor.aws;

import io.conveyor.dispatch.CapacityLease;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The capacity lease as one small object in the output bucket ({@code fleet/capacity-lease.json}),
 * taken with S3 conditional writes: {@code If-None-Match: *} when there is none, {@code If-Match}
 * on the expired one otherwise. It is never released early: it lasts long enough for EC2 to list the
 * instances its holder launched, so the next holder counts them.
 */
public final class S3CapacityLease implements CapacityLease {

    /** Where the lease lies in the output bucket. */
    public static final String KEY = "fleet/capacity-lease.json";

    private static final Pattern EXPIRES = Pattern.compile("\"expiresAt\"\\s*:\\s*\"([^\"]+)\"");

    private final S3Client s3;
    private final String bucket;
    private final Duration duration;
    private final Clock clock;

    public S3CapacityLease(S3Client s3, String bucket, Duration duration, Clock clock) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.duration = Objects.requireNonNull(duration, "duration");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<Instant> tryAcquire(String holder) {
        Instant now = clock.instant();
        String body = "{\"holder\":\"" + holder.replaceAll("[^A-Za-z0-9._:-]", "_") + "\",\"acquiredAt\":\"" + now
                + "\",\"expiresAt\":\"" + now.plus(duration) + "\"}";
        String current;
        try {
            ResponseBytes<GetObjectResponse> lease = s3.getObjectAsBytes(r -> r.bucket(bucket).key(KEY));
            Matcher expires = EXPIRES.matcher(lease.asString(StandardCharsets.UTF_8));
            if (expires.find() && Instant.parse(expires.group(1)).isAfter(now)) {
                return Optional.empty();
            }
            current = lease.response().eTag();
        } catch (NoSuchKeyException e) {
            current = null;
        }
        String ifMatch = current;
        try {
            s3.putObject(r -> r.bucket(bucket).key(KEY).contentType("application/json")
                    .ifNoneMatch(ifMatch == null ? "*" : null).ifMatch(ifMatch), RequestBody.fromString(body));
            return Optional.of(now.plus(duration));
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return Optional.empty();  // someone else took it between our read and our write
            }
            throw e;
        }
    }
}
