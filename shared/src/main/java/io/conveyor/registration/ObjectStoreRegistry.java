package io.conveyor.registration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.conveyor.json.Json;
import io.conveyor.storage.BucketLayout;
import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;

/**
 * The registry as JSON objects in a bucket (Conveyor's output bucket):
 * {@code registry/algorithms/<name>.json} per algorithm, {@code registry/pipelines/<name>.json} per
 * pipeline, and {@code registry/outcomes/<file>} for each file under {@code algorithms/} — the place an
 * author looks for what became of an upload. No such prefix triggers a registration.
 */
public final class ObjectStoreRegistry implements AlgorithmRegistry, PipelineRegistry {

    /** Where algorithm records lie. */
    public static final String ALGORITHMS = "registry/algorithms/";
    /** Where pipeline records lie. */
    public static final String PIPELINES = "registry/pipelines/";
    /** Where descriptor outcomes lie. */
    public static final String OUTCOMES = "registry/outcomes/";

    private static final ObjectMapper PRETTY = Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectStore store;
    private final String bucket;

    public ObjectStoreRegistry(ObjectStore store, String bucket) {
        this.store = Objects.requireNonNull(store, "store");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
    }

    /** Where the outcome of a descriptor file lies. */
    public static String outcomeKey(String descriptorKey) {
        String relative = descriptorKey.startsWith(BucketLayout.ALGORITHMS_PREFIX)
                ? descriptorKey.substring(BucketLayout.ALGORITHMS_PREFIX.length()) : descriptorKey;
        return OUTCOMES + relative;
    }

    @Override
    public Optional<AlgorithmRecord> algorithm(String name) {
        return read(new ObjectRef(bucket, ALGORITHMS + name + ".json"), AlgorithmRecord.class);
    }

    @Override
    public void save(AlgorithmRecord record) {
        write(new ObjectRef(bucket, ALGORITHMS + record.name() + ".json"), record);
    }

    @Override
    public Entry entry(String name) {
        ObjectRef ref = new ObjectRef(bucket, ALGORITHMS + name + ".json");
        return store.readTagged(ref).map(tagged -> new Entry(Optional.of(parse(ref, tagged.content(), AlgorithmRecord.class)),
                tagged.eTag())).orElse(new Entry(Optional.empty(), null));
    }

    @Override
    public boolean saveIfUnchanged(AlgorithmRecord record, Entry read) {
        return store.writeIfUnchanged(new ObjectRef(bucket, ALGORITHMS + record.name() + ".json"), json(record),
                "application/json", read.version());
    }

    @Override
    public Optional<RegistrationOutcome> outcome(String descriptorKey) {
        return read(new ObjectRef(bucket, outcomeKey(descriptorKey)), RegistrationOutcome.class);
    }

    @Override
    public void save(String descriptorKey, RegistrationOutcome outcome) {
        write(new ObjectRef(bucket, outcomeKey(descriptorKey)), outcome);
    }

    @Override
    public Optional<PipelineRecord> pipeline(String name) {
        return read(new ObjectRef(bucket, PIPELINES + name + ".json"), PipelineRecord.class);
    }

    @Override
    public void save(PipelineRecord record) {
        write(new ObjectRef(bucket, PIPELINES + record.name() + ".json"), record);
    }

    private <T> Optional<T> read(ObjectRef ref, Class<T> type) {
        return store.readCurrent(ref).map(content -> parse(ref, content, type));
    }

    private static <T> T parse(ObjectRef ref, byte[] content, Class<T> type) {
        try {
            return Json.mapper().readValue(content, type);
        } catch (IOException e) {
            throw new UncheckedIOException("registry object " + ref + " is not a " + type.getSimpleName(), e);
        }
    }

    private void write(ObjectRef ref, Object value) {
        store.write(ref, json(value), "application/json");
    }

    private static byte[] json(Object value) {
        try {
            return PRETTY.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
