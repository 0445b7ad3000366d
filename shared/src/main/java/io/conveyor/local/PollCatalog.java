package io.conveyor.local;

import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.PipelineCatalog;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The pipelines as the local loop's last look at the algorithms folder found them: each name is asked of the catalog
 * once between two looks ({@link #forget()}), not once per inbox file (a {@link FolderPipelineCatalog} lists the
 * folder and looks at each of its files on every call). Pipeline files are thus taken up as descriptors are, once a
 * poll. The deciding thread's alone.
 */
final class PollCatalog implements PipelineCatalog {

    private final PipelineCatalog catalog;
    private final Map<String, Optional<Pipeline>> asked = new HashMap<>();

    PollCatalog(PipelineCatalog catalog) {
        this.catalog = java.util.Objects.requireNonNull(catalog, "catalog");
    }

    @Override
    public Optional<Pipeline> pipeline(String name) {
        return asked.computeIfAbsent(name, catalog::pipeline);
    }

    /** Asks the catalog again from now on: the loop looks at the algorithms folder. */
    void forget() {
        asked.clear();
    }
}
