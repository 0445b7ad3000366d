package io.conveyor.registration;

import java.util.Optional;

/** Where Conveyor keeps the pipelines accepted from files under {@code algorithms/}. */
public interface PipelineRegistry {

    /** The record of a pipeline, active or retired. */
    Optional<PipelineRecord> pipeline(String name);

    /** Stores a pipeline's record, whatever lies there. */
    void save(PipelineRecord record);
}
