package io.conveyor.cli;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.Problem;
import io.conveyor.descriptor.Validation;
import io.conveyor.pipeline.AlgorithmLookup;
import io.conveyor.pipeline.PipelineText;
import io.conveyor.pipeline.PipelineValidation;
import io.conveyor.pipeline.PipelineValidator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code conveyor validate}'s pipeline files: each checked against the descriptors given on the same
 * command line and those beside the files, as a {@code then} is; pipeline names unique among the files.
 */
final class PipelineFileChecks {

    private PipelineFileChecks() {
    }

    /** The valid descriptors given (the first of a name) over those beside the files given. */
    static AlgorithmLookup lookup(Map<String, Validation> given, Map<String, Descriptor> beside) {
        Map<String, Descriptor> byName = new HashMap<>(beside);
        Map<String, Descriptor> givenByName = new HashMap<>();
        given.values().forEach(v -> v.accepted().ifPresent(d -> givenByName.putIfAbsent(d.name(), d)));
        byName.putAll(givenByName);
        return AlgorithmLookup.of(byName, name -> "'" + name + "' is no valid descriptor given or in the same folder; "
                + "validate a pipeline with its algorithms' descriptors (conveyor validate DIR)");
    }

    /** Each pipeline file validated, in the order given; a name used by an earlier file is an error. */
    static Map<String, PipelineValidation> validate(Map<String, byte[]> files, AlgorithmLookup algorithms) {
        PipelineValidator validator = new PipelineValidator();
        Map<String, PipelineValidation> validations = new LinkedHashMap<>();
        Map<String, String> fileOfName = new HashMap<>();
        files.forEach((file, bytes) -> {
            PipelineValidation validation = validator.validate(file, bytes, algorithms);
            if (validation.valid()) {
                String first = fileOfName.putIfAbsent(validation.pipeline().name(), file);
                if (first != null) {
                    validation = PipelineValidation.rejected(file, validation.sha256(), List.of(new Problem("/pipeline",
                            "'" + validation.pipeline().name() + "' is also the name in " + first + "; names are unique")),
                            validation.warnings());
                }
            }
            validations.put(file, validation);
        });
        return validations;
    }

    /** The text of each valid pipeline, a blank line between two. */
    static String explain(Collection<PipelineValidation> validations) {
        List<String> texts = new ArrayList<>();
        validations.forEach(v -> v.accepted().ifPresent(p -> texts.add(PipelineText.explain(p))));
        return String.join("\n", texts);
    }
}
