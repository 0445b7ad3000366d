package io.conveyor.registration;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.conveyor.descriptor.Problem;
import java.util.List;
import java.util.Objects;

/**
 * What became of one file under {@code algorithms/} (a descriptor, or a pipeline), written where its author can
 * read it.
 *
 * @param descriptor        the descriptor's S3 URI
 * @param versionId         the version that was read, or {@code null}
 * @param sha256            its SHA-256, or {@code null} when nothing was read
 * @param status            the outcome
 * @param algorithm         the algorithm it registers (or retired), or {@code null}
 * @param taskDefinitionArn the task definition jobs of it run, or {@code null}
 * @param pipeline          for a pipeline file: the pipeline it defines (or retired), else {@code null}
 * @param errors            every error (when rejected)
 * @param warnings          things that work but deserve a look
 * @param at                when (ISO-8601)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegistrationOutcome(String descriptor, String versionId, String sha256, Status status, String algorithm,
                                  String taskDefinitionArn, String pipeline, List<Problem> errors, List<Problem> warnings,
                                  String at) {

    /** What became of the descriptor. */
    public enum Status {
        /** Registered a new task definition revision. */
        ACCEPTED,
        /** The same content is registered already: nothing new. */
        UNCHANGED,
        /** Invalid: nothing registered; {@code errors} says why. */
        REJECTED,
        /** The descriptor was deleted: the algorithm takes no new inputs, its revisions are deregistered. */
        RETIRED,
        /** Nothing to do (a deleted file that registered nothing). */
        IGNORED
    }

    public RegistrationOutcome {
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(status, "status");
        errors = errors == null ? List.of() : List.copyOf(errors);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }
}
