package io.conveyor.registration;

import io.conveyor.descriptor.Chains;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.descriptor.Problem;
import io.conveyor.descriptor.Validation;
import io.conveyor.pipeline.PipelineFiles;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.ObjectStore;
import io.conveyor.storage.StoredObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry in step with the descriptor files under {@code algorithms/}.
 *
 * <p>An S3 event only says which key to look at: the registrar reads what lies there now, so
 * duplicate, late and out-of-order events all end in the same state. A valid descriptor registers a
 * task definition revision unless the same content is registered already; an invalid one registers
 * nothing; a deleted one retires its algorithm. Every outcome is written where the author reads it.
 */
public final class Registrar {

    /** Descriptors are small; anything larger is refused before it is read. */
    public static final long MAX_DESCRIPTOR_BYTES = 1024 * 1024;

    /** How many times a registration decides again when other registrations of the name keep writing first. */
    static final int MAX_ROUNDS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(Registrar.class);

    private final ObjectStore store;
    private final DescriptorValidator validator;
    private final AlgorithmRegistry registry;
    private final TaskDefinitions taskDefinitions;
    private final WrapSettings settings;
    private final Clock clock;
    private final PipelineRegistrar pipelines;

    /**
     * @param pipelines where pipeline files' pipelines are recorded ({@link ObjectStoreRegistry} is both
     *                  registries)
     */
    public Registrar(ObjectStore store, DescriptorValidator validator, AlgorithmRegistry registry,
                     PipelineRegistry pipelines, TaskDefinitions taskDefinitions, WrapSettings settings, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.validator = Objects.requireNonNull(validator, "validator");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.taskDefinitions = Objects.requireNonNull(taskDefinitions, "taskDefinitions");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pipelines = new PipelineRegistrar(registry, pipelines, clock);
    }

    /**
     * Brings the registry in step with what lies at {@code ref} now, and records the outcome.
     */
    public RegistrationOutcome reconcile(ObjectRef ref) {
        RegistrationOutcome outcome = decideUntilNoRace(ref);
        if (outcome.status() != RegistrationOutcome.Status.IGNORED || registry.outcome(ref.key()).isPresent()) {
            registry.save(ref.key(), outcome);
        }
        LOG.info("outcome={} descriptor=\"{}\" algorithm={} pipeline={} taskDefinition={} errors={} warnings={}",
                outcome.status(), ref, outcome.algorithm(), outcome.pipeline(), outcome.taskDefinitionArn(),
                outcome.errors().size(), outcome.warnings().size());
        return outcome;
    }

    /**
     * Decides, and decides again from what lies there now when another registration wrote the same
     * algorithm's record first (two descriptors naming one algorithm, or two versions of one file, at
     * once): each record write is conditional on the record as this registration read it.
     */
    private RegistrationOutcome decideUntilNoRace(ObjectRef ref) {
        for (int round = 1; ; round++) {
            try {
                return decide(ref);
            } catch (RecordChanged e) {
                LOG.info("outcome=raced descriptor=\"{}\" algorithm={} round={}", ref, e.algorithm, round);
                if (round == MAX_ROUNDS) {
                    throw new IllegalStateException(ref + ": the record of algorithm '" + e.algorithm + "' changed "
                            + MAX_ROUNDS + " times while this registration ran; it is tried again later", e);
                }
            }
        }
    }

    /** Another registration wrote an algorithm's record after this one read it. */
    private static final class RecordChanged extends RuntimeException {
        private final String algorithm;

        RecordChanged(String algorithm) {
            super("the record of '" + algorithm + "' changed meanwhile", null, false, false);
            this.algorithm = algorithm;
        }
    }

    private RegistrationOutcome decide(ObjectRef ref) {
        String key = ref.key();
        if (!key.startsWith(BucketLayout.ALGORITHMS_PREFIX) || key.endsWith("/")) {
            return outcome(ref, null, null, RegistrationOutcome.Status.IGNORED, null, null, List.of(), List.of());
        }
        Optional<StoredObject> current = store.describe(ref);
        if (current.isEmpty()) {
            return retire(ref);
        }
        StoredObject object = current.get();
        if (!key.endsWith(".json")) {
            return rejected(ref, object, null, List.of(new Problem("", "is not a descriptor: descriptor files end in .json")),
                    List.of());
        }
        if (object.size() > MAX_DESCRIPTOR_BYTES) {
            return rejected(ref, object, null, List.of(new Problem("", "is " + object.size()
                    + " bytes; a descriptor may have at most " + MAX_DESCRIPTOR_BYTES + " bytes")), List.of());
        }
        byte[] content = store.read(object);
        if (PipelineFiles.isPipeline(content)) {
            return pipelineOutcome(ref, object, pipelines.register(ref, object, content, registry.outcome(key)));
        }
        Validation validation = validator.validate(ref.uri(), content);
        if (!validation.valid()) {
            return rejected(ref, object, validation.sha256(), validation.errors(), validation.warnings());
        }
        Descriptor descriptor = validation.descriptor();
        List<Problem> warnings = new ArrayList<>(validation.warnings());
        AlgorithmRegistry.Entry entry = registry.entry(descriptor.name());
        Optional<AlgorithmRecord> existing = entry.record();
        if (existing.isPresent() && existing.get().active() && !existing.get().descriptor().equals(ref.uri())) {
            return rejected(ref, object, validation.sha256(), List.of(new Problem("/name", "'" + descriptor.name()
                    + "' is already registered from " + existing.get().descriptor()
                    + "; delete that descriptor first, or choose another name")), warnings);
        }
        Optional<PipelineRecord> pipeline = pipelines.active(descriptor.name());
        if (pipeline.isPresent()) {
            return rejected(ref, object, validation.sha256(), List.of(new Problem("/name", "'" + descriptor.name()
                    + "' is the name of the pipeline defined by " + pipeline.get().definition() + ": both would take "
                    + "the files under inputs/" + descriptor.name() + "/; choose another name")), warnings);
        }
        List<Problem> cycle = chainProblems(descriptor, warnings);
        if (!cycle.isEmpty()) {
            return rejected(ref, object, validation.sha256(), cycle, warnings);
        }
        retireRenamed(ref, descriptor.name());
        if (existing.isPresent() && existing.get().active() && existing.get().sha256().equals(validation.sha256())) {
            return outcome(ref, object, validation.sha256(), RegistrationOutcome.Status.UNCHANGED, descriptor.name(),
                    existing.get().taskDefinitionArn(), List.of(), warnings);
        }
        String arn;
        try {
            arn = taskDefinitions.register(TaskDefinitionWrapper.wrap(descriptor, validation.sha256(), settings));
        } catch (TaskDefinitionRejectedException e) {
            return rejected(ref, object, validation.sha256(),
                    List.of(new Problem("", "ECS refused the task definition: " + e.getMessage())), warnings);
        }
        if (!registry.saveIfUnchanged(new AlgorithmRecord(descriptor.name(), AlgorithmRecord.Status.ACTIVE, ref.uri(),
                object.versionId(), validation.sha256(), arn, now(), null, descriptor), entry)) {
            taskDefinitions.deregister(arn);  // the revision this registration made names nothing now
            throw new RecordChanged(descriptor.name());
        }
        return outcome(ref, object, validation.sha256(), RegistrationOutcome.Status.ACCEPTED, descriptor.name(), arn,
                List.of(), warnings);
    }

    /**
     * A chain ({@code then}) may not lead back to this algorithm through registered ones. Algorithms
     * not registered yet are a warning: their jobs are rejected until they are.
     */
    private List<Problem> chainProblems(Descriptor descriptor, List<Problem> warnings) {
        for (int i = 0; i < descriptor.then().size(); i++) {
            String next = descriptor.then().get(i);
            if (registry.algorithm(next).filter(AlgorithmRecord::active).isEmpty()) {
                warnings.add(new Problem("/then/" + i, "'" + next + "' is not registered: its jobs are rejected until it is"));
            }
        }
        return Chains.leadingBack(descriptor, name -> registry.algorithm(name).filter(AlgorithmRecord::active)
                .map(AlgorithmRecord::definition).map(Descriptor::then).orElse(List.of()));
    }

    /** The file registered another name before: that algorithm is retired, the file now speaks for a new one. */
    private void retireRenamed(ObjectRef ref, String name) {
        registeredFrom(ref).filter(record -> !record.name().equals(name)).ifPresent(record -> retireAlgorithm(record, () -> {
        }));
    }

    private RegistrationOutcome retire(ObjectRef ref) {
        Optional<AlgorithmRecord> record = registeredFrom(ref);
        if (record.isEmpty()) {
            return pipelines.deleted(ref, registry.outcome(ref.key())).map(retired -> pipelineOutcome(ref, null, retired))
                    .orElseGet(() -> outcome(ref, null, null, RegistrationOutcome.Status.IGNORED, null, null, List.of(),
                            List.of()));
        }
        retireAlgorithm(record.get(), () -> {
            if (store.describe(ref).isPresent()) {  // uploaded again since it was found gone: decide on that
                throw new RecordChanged(record.get().name());
            }
        });
        return outcome(ref, null, null, RegistrationOutcome.Status.RETIRED, record.get().name(), null, List.of(), List.of());
    }

    /**
     * Retires an algorithm as read, checks with {@code stillToRetire} that the reason holds (it throws
     * {@link RecordChanged} when not), then deregisters its revisions up to the one its record named: a
     * revision above it belongs to a registration of the name that came meanwhile.
     */
    private void retireAlgorithm(AlgorithmRecord record, Runnable stillToRetire) {
        AlgorithmRegistry.Entry entry = registry.entry(record.name());
        if (!entry.record().equals(Optional.of(record)) || !registry.saveIfUnchanged(new AlgorithmRecord(record.name(),
                AlgorithmRecord.Status.RETIRED, record.descriptor(), record.descriptorVersion(), record.sha256(),
                record.taskDefinitionArn(), record.registeredAt(), now(), record.definition()), entry)) {
            throw new RecordChanged(record.name());
        }
        stillToRetire.run();
        long last = revision(record.taskDefinitionArn());
        for (String arn : taskDefinitions.activeRevisions(TaskDefinitionWrapper.family(settings, record.name()))) {
            if (revision(arn) <= last) {
                taskDefinitions.deregister(arn);
            }
        }
        LOG.info("outcome=RETIRED algorithm={} descriptor=\"{}\"", record.name(), record.descriptor());
    }

    /** A task definition ARN's revision number ({@code …/family:7} → 7); every revision when it has none. */
    private static long revision(String taskDefinitionArn) {
        if (taskDefinitionArn == null) {
            return Long.MAX_VALUE;
        }
        String number = taskDefinitionArn.substring(taskDefinitionArn.lastIndexOf(':') + 1);
        return number.chars().allMatch(Character::isDigit) && !number.isEmpty() ? Long.parseLong(number) : Long.MAX_VALUE;
    }

    /**
     * Nothing is registered from this content; if the file registered an algorithm before, that one
     * stays as it was, and the outcome says so (a later delete of the file still retires it).
     */
    private RegistrationOutcome rejected(ObjectRef ref, StoredObject object, String sha256, List<Problem> errors,
                                         List<Problem> warnings) {
        Optional<AlgorithmRecord> still = registeredFrom(ref);
        List<Problem> notes = new ArrayList<>(warnings);
        still.ifPresent(record -> notes.add(new Problem("", "the previous content stays registered as '" + record.name()
                + "' (" + record.taskDefinitionArn() + ")")));
        return outcome(ref, object, sha256, RegistrationOutcome.Status.REJECTED,
                still.map(AlgorithmRecord::name).orElse(null),
                still.map(AlgorithmRecord::taskDefinitionArn).orElse(null), errors, notes);
    }

    /** The active algorithm this file registered, if any. */
    private Optional<AlgorithmRecord> registeredFrom(ObjectRef ref) {
        return registry.outcome(ref.key()).map(RegistrationOutcome::algorithm).flatMap(registry::algorithm)
                .filter(record -> record.active() && record.descriptor().equals(ref.uri()));
    }

    private RegistrationOutcome pipelineOutcome(ObjectRef ref, StoredObject object, PipelineRegistrar.Decision decision) {
        return new RegistrationOutcome(ref.uri(), object == null ? null : object.versionId(),
                decision.sha256(), decision.status(), null, null,
                decision.pipeline(), decision.errors(), decision.warnings(), now());
    }

    private RegistrationOutcome outcome(ObjectRef ref, StoredObject object, String sha256,
                                        RegistrationOutcome.Status status, String algorithm, String arn,
                                        List<Problem> errors, List<Problem> warnings) {
        return new RegistrationOutcome(ref.uri(), object == null ? null : object.versionId(), sha256, status, algorithm,
                arn, null, errors, warnings, now());
    }

    private String now() {
        return clock.instant().toString();
    }
}
