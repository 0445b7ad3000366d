package io.conveyor.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * The batch's manifest as last uploaded: parsed, or why it could not be.
 *
 * @param version   the manifest object's version
 * @param arrivedAt when it arrived (ISO-8601)
 * @param manifest  what it lists, or {@code null} when it is malformed
 * @param problem   what is wrong with it (naming the field), or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ManifestSeen(String version, String arrivedAt, BatchManifest manifest, String problem) {

    public ManifestSeen {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(arrivedAt, "arrivedAt");
        if ((manifest == null) == (problem == null)) {
            throw new IllegalArgumentException("a manifest seen is either parsed or has a problem");
        }
    }
}
