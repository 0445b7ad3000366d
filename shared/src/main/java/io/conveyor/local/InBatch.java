package io.conveyor.local;

import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.Pipeline;
import java.nio.file.Path;

/**
 * A file below {@code inbox/<pipeline>/<batch>/}: {@code name} its path below the batch's folder; a control file
 * ({@code _manifest.json}, {@code _COMPLETE}) directly in it, or a file of a subfolder (no batch file).
 */
record InBatch(Pipeline pipeline, String batch, String name, Path file) {
    boolean control() {
        return BatchRule.isBatchControl(name);
    }

    boolean nested() {
        return Path.of(name).getNameCount() > 1;
    }
}
