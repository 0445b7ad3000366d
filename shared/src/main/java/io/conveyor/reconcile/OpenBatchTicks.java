package io.conveyor.reconcile;

import io.conveyor.batch.BatchChange;
import io.conveyor.batch.BatchDriver;
import io.conveyor.batch.BatchEvent;
import io.conveyor.batch.BatchRecord;
import io.conveyor.batch.OpenBatches;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.PipelineCatalog;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler's look at the batches not yet settled ({@link OpenBatches}): each gets a {@link BatchEvent.Tick}
 * through the carrier dispatch uses ({@link BatchDriver}), so a batch past its quiet period or deadline ends though
 * every delayed look-again was lost, and a gather decided but never made is made. The driver given sends no look
 * again (its {@code LookAgainLater} does nothing): the reconciler itself comes back next pass, and a chain of delayed
 * messages per pass would pile up. An entry whose batch has no record, is settled, or whose pipeline is no longer
 * registered is removed.
 */
public final class OpenBatchTicks {

    private static final Logger LOG = LoggerFactory.getLogger(OpenBatchTicks.class);
    /** The most entries one pass lists (ten LIST requests). */
    public static final int MAX_LISTED = 10_000;

    private final OpenBatches open;
    private final PipelineCatalog pipelines;
    private final BatchDriver driver;

    /**
     * @param open      the index of open batches
     * @param pipelines the pipelines registered
     * @param driver    the batch carrier, whose look-again does nothing
     */
    public OpenBatchTicks(OpenBatches open, PipelineCatalog pipelines, BatchDriver driver) {
        this.open = Objects.requireNonNull(open, "open");
        this.pipelines = Objects.requireNonNull(pipelines, "pipelines");
        this.driver = Objects.requireNonNull(driver, "driver");
    }

    /** What one pass did: entries listed, batches it ended, stale entries removed, batches whose tick failed. */
    public record Result(int listed, int ended, int removed, int failed, boolean stoppedEarly) {
        static final Result NONE = new Result(0, 0, 0, 0, false);
    }

    /** Ticks every open batch listed, until {@code pastDeadline}. */
    public Result run(BooleanSupplier pastDeadline) {
        List<OpenBatches.Entry> entries = open.list(MAX_LISTED);
        Map<String, Optional<Pipeline>> known = new HashMap<>();
        int ended = 0;
        int removed = 0;
        int failed = 0;
        for (OpenBatches.Entry entry : entries) {
            if (pastDeadline.getAsBoolean()) {
                return new Result(entries.size(), ended, removed, failed, true);
            }
            Optional<Pipeline> pipeline = known.computeIfAbsent(entry.pipeline(), pipelines::pipeline);
            if (pipeline.isEmpty()) {
                LOG.warn("outcome=open-batch-dropped pipeline={} batch={} reason=\"no pipeline of that name now\"",
                        entry.pipeline(), entry.batch());
                open.remove(entry.pipeline(), entry.batch());
                removed++;
                continue;
            }
            try {
                BatchChange change = driver.apply(pipeline.get(), entry.batch(), List.of(new BatchEvent.Tick()));
                BatchRecord after = change.after();
                if (change.before().state() == BatchRecord.State.OPEN && after.state() != BatchRecord.State.OPEN) {
                    ended++;
                    LOG.info("outcome=open-batch-ended pipeline={} batch={} state={}", entry.pipeline(), entry.batch(),
                            after.state());
                }
                if (after.blank() || after.settled()) {
                    // Stale (a removal lost, or a record never created); a settling write here removed it already.
                    open.remove(entry.pipeline(), entry.batch());
                    removed += change.changed() ? 0 : 1;
                }
            } catch (RuntimeException e) {
                failed++;
                LOG.warn("outcome=open-batch-tick-failed pipeline={} batch={} reason=\"{}\"", entry.pipeline(),
                        entry.batch(), e.getMessage(), e);
            }
        }
        return new Result(entries.size(), ended, removed, failed, false);
    }
}
