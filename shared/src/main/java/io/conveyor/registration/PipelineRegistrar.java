package io.conveyor.registration;

import io.conveyor.descriptor.Problem;
import io.conveyor.pipeline.AlgorithmLookup;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.PipelineValidation;
import io.conveyor.pipeline.PipelineValidator;
import io.conveyor.registration.RegistrationOutcome.Status;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.StoredObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Registrar}'s part for pipeline files under {@code algorithms/}: a valid pipeline (its
 * algorithms checked against the registered ones) is recorded for dispatch to read, an invalid one records
 * nothing, a deleted one retires its pipeline.
 */
final class PipelineRegistrar {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRegistrar.class);

    /** What became of a pipeline file. */
    record Decision(Status status, String pipeline, String sha256, List<Problem> errors, List<Problem> warnings) {
    }

    private final PipelineValidator validator = new PipelineValidator();
    private final AlgorithmRegistry algorithms;
    private final PipelineRegistry pipelines;
    private final Clock clock;

    PipelineRegistrar(AlgorithmRegistry algorithms, PipelineRegistry pipelines, Clock clock) {
        this.algorithms = Objects.requireNonNull(algorithms, "algorithms");
        this.pipelines = Objects.requireNonNull(pipelines, "pipelines");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The registered algorithms, as pipelines may name them. */
    AlgorithmLookup lookup() {
        return new AlgorithmLookup() {
            @Override
            public Optional<io.conveyor.descriptor.Descriptor> algorithm(String name) {
                return algorithms.algorithm(name).filter(AlgorithmRecord::active).map(AlgorithmRecord::definition);
            }

            @Override
            public String whyNot(String name) {
                return "'" + name + "' is not registered: upload its descriptor under algorithms/ first, then this "
                        + "pipeline again";
            }
        };
    }

    /** The active pipeline of that name, when a descriptor would take its name. */
    Optional<PipelineRecord> active(String name) {
        return pipelines.pipeline(name).filter(PipelineRecord::active);
    }

    /** Validates the pipeline file at {@code ref} (read now) and records it when valid. */
    Decision register(ObjectRef ref, StoredObject object, byte[] content, Optional<RegistrationOutcome> last) {
        PipelineValidation validation = validator.validate(ref.uri(), content, lookup());
        Optional<PipelineRecord> previous = definedBy(ref, last);
        if (!validation.valid()) {
            return rejected(validation.sha256(), validation.errors(), validation.warnings(), previous);
        }
        Pipeline pipeline = validation.pipeline();
        Optional<PipelineRecord> existing = pipelines.pipeline(pipeline.name());
        if (existing.isPresent() && existing.get().active() && !existing.get().definition().equals(ref.uri())) {
            return rejected(validation.sha256(), List.of(new Problem("/pipeline", "'" + pipeline.name() + "' is already defined by "
                    + existing.get().definition() + "; delete that file first, or choose another name")),
                    validation.warnings(), previous);
        }
        previous.filter(record -> !record.name().equals(pipeline.name())).ifPresent(this::retire);
        if (existing.isPresent() && existing.get().active() && existing.get().sha256().equals(validation.sha256())) {
            return new Decision(Status.UNCHANGED, pipeline.name(), validation.sha256(), List.of(), validation.warnings());
        }
        pipelines.save(new PipelineRecord(pipeline.name(), AlgorithmRecord.Status.ACTIVE, ref.uri(), object.versionId(),
                validation.sha256(), clock.instant().toString(), null, new String(validation.document(), StandardCharsets.UTF_8)));
        LOG.info("outcome=ACCEPTED pipeline={} revision={} definition=\"{}\"", pipeline.name(), validation.sha256(), ref);
        return new Decision(Status.ACCEPTED, pipeline.name(), validation.sha256(), List.of(), validation.warnings());
    }

    /** Retires the pipeline the deleted file at {@code ref} defined, if it defined one. */
    Optional<Decision> deleted(ObjectRef ref, Optional<RegistrationOutcome> last) {
        return definedBy(ref, last).map(record -> {
            retire(record);
            return new Decision(Status.RETIRED, record.name(), null, List.of(), List.of());
        });
    }

    private void retire(PipelineRecord record) {
        pipelines.save(record.retired(clock.instant().toString()));
        LOG.info("outcome=RETIRED pipeline={} definition=\"{}\"", record.name(), record.definition());
    }

    /** The active pipeline this file defined, by its last outcome. */
    private Optional<PipelineRecord> definedBy(ObjectRef ref, Optional<RegistrationOutcome> last) {
        return last.map(RegistrationOutcome::pipeline).flatMap(pipelines::pipeline)
                .filter(record -> record.active() && record.definition().equals(ref.uri()));
    }

    /** Nothing recorded from this content; a pipeline the file defined before stays, and the outcome says so. */
    private static Decision rejected(String sha256, List<Problem> errors, List<Problem> warnings, Optional<PipelineRecord> previous) {
        List<Problem> notes = new ArrayList<>(warnings);
        previous.ifPresent(record -> notes.add(new Problem("", "the previous content stays the definition of pipeline '"
                + record.name() + "' (revision " + record.sha256() + ")")));
        return new Decision(Status.REJECTED, previous.map(PipelineRecord::name).orElse(null), sha256, errors, notes);
    }
}
