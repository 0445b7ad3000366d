package io.conveyor.pipeline;

import java.util.Optional;

/** The pipelines defined where descriptors live (the bucket's {@code algorithms/} prefix, the local algorithms folder). */
public interface PipelineCatalog {

    /** The valid pipeline of that name, as defined now. */
    Optional<Pipeline> pipeline(String name);
}
