package io.conveyor.pipeline;

import io.conveyor.descriptor.Problem;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What validating one pipeline file found: the pipeline, or every error.
 *
 * @param source   the file or object it came from, as errors name it
 * @param pipeline the pipeline, {@code null} when there are errors
 * @param sha256   the SHA-256 of the file's bytes, as hex (the pipeline's revision)
 * @param errors   every error, ordered by path
 * @param warnings things that work but deserve a look
 * @param document the pipeline file the pipeline was read from (its SHA-256 is {@code sha256}): the file itself, or the
 *                 pipeline a {@code user_request.json} converts to ({@link PipelineDocument}); what a registry keeps
 */
public record PipelineValidation(String source, Pipeline pipeline, String sha256, List<Problem> errors,
                                 List<Problem> warnings, byte[] document) {

    public PipelineValidation {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sha256, "sha256");
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        document = document == null ? null : document.clone();
        if ((pipeline == null) == errors.isEmpty()) {
            throw new IllegalArgumentException("a validation has a pipeline exactly when it has no errors");
        }
    }

    /** A validation of no pipeline, for {@code errors}. */
    public static PipelineValidation rejected(String source, String sha256, List<Problem> errors, List<Problem> warnings) {
        return new PipelineValidation(source, null, sha256, errors, warnings, null);
    }

    /** Whether the pipeline is valid. */
    public boolean valid() {
        return errors.isEmpty();
    }

    /** The pipeline, when valid. */
    public Optional<Pipeline> accepted() {
        return Optional.ofNullable(pipeline);
    }
}
