package io.conveyor.registration;

import io.conveyor.pipeline.AcceptedPipeline;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.PipelineCatalog;
import io.conveyor.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The pipelines the register function accepted, as dispatch reads them: the active record
 * {@code registry/pipelines/<name>.json} of the output bucket, its document read again (each revision
 * parsed once per instance, without the JSON Schema: {@link AcceptedPipeline}).
 */
public final class ObjectStorePipelineCatalog implements PipelineCatalog {

    private final Function<String, Optional<PipelineRecord>> records;
    private final Map<String, Pipeline> byRevision = new ConcurrentHashMap<>();

    /** The catalog of the registry in {@code bucket} (Conveyor's output bucket). */
    public ObjectStorePipelineCatalog(ObjectStore store, String bucket) {
        this(new ObjectStoreRegistry(store, bucket));
    }

    /** The catalog of {@code registry}. */
    public ObjectStorePipelineCatalog(PipelineRegistry registry) {
        this(Objects.requireNonNull(registry, "registry")::pipeline);
    }

    /** The catalog of the pipeline records {@code records} reads by name (active or retired). */
    public ObjectStorePipelineCatalog(Function<String, Optional<PipelineRecord>> records) {
        this.records = Objects.requireNonNull(records, "records");
    }

    @Override
    public Optional<Pipeline> pipeline(String name) {
        return records.apply(name).filter(PipelineRecord::active).map(record -> byRevision.computeIfAbsent(
                record.sha256(), revision -> read(record)));
    }

    private Pipeline read(PipelineRecord record) {
        byte[] document = record.document().getBytes(StandardCharsets.UTF_8);
        Pipeline pipeline;
        try {
            // Without the schema: it was checked at registration, and its validator is not in dispatch's artifact.
            pipeline = AcceptedPipeline.read(record.definition(), document);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the registry's record of pipeline '" + record.name() + "' does not hold "
                    + "the document it accepted (revision " + record.sha256() + "): " + e.getMessage(), e);
        }
        if (!pipeline.revision().equals(record.sha256())) {
            throw new IllegalStateException("the registry's record of pipeline '" + record.name() + "' does not hold "
                    + "the document it accepted (revision " + record.sha256() + ", its document's "
                    + pipeline.revision() + ")");
        }
        return pipeline;
    }
}
