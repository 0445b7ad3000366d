package io.conveyor.registration;

import java.util.Objects;

/**
 * What the registry knows of one pipeline: the file that defines it and that file's text, as accepted.
 *
 * @param name              the pipeline
 * @param status            whether new batches are accepted
 * @param definition        the S3 URI of the pipeline file it came from
 * @param definitionVersion that file's version id, or {@code null}
 * @param sha256            the file's SHA-256: the pipeline's revision
 * @param registeredAt      when this content was accepted (ISO-8601)
 * @param retiredAt         when it was retired, or {@code null}
 * @param document          the file's text, exactly as accepted (UTF-8), which the catalog reads again
 */
public record PipelineRecord(String name, AlgorithmRecord.Status status, String definition, String definitionVersion,
                             String sha256, String registeredAt, String retiredAt, String document) {

    public PipelineRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(document, "document");
    }

    /** Whether it takes new batches. */
    public boolean active() {
        return status == AlgorithmRecord.Status.ACTIVE;
    }

    /** The same record, retired at {@code at}. */
    public PipelineRecord retired(String at) {
        return new PipelineRecord(name, AlgorithmRecord.Status.RETIRED, definition, definitionVersion, sha256,
                registeredAt, at, document);
    }
}
