package io.conveyor.batch;

import io.conveyor.pipeline.Pipeline;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How drivers change stored batch records: {@link BatchLifecycle} decides, this writes what it decided,
 * conditionally. A batch's record is created by its first event; every later change replaces the version that
 * was read. A write that loses to another writer reads the record again and applies the events to what it
 * became, so the decisions returned are those of the record as written: a gather decided by the other writer
 * is not decided again here, and only the winner's {@link BatchChange} carries {@link BatchDecision.MakeGather}.
 * Decisions are left to the driver, to be carried out once this returns.
 */
public final class BatchUpdates {

    /**
     * How often a record that changed meanwhile is read again before the caller gives up. Higher than a job's:
     * every file of a batch writes the one record, so writers of a burst of uploads meet there.
     */
    public static final int WRITE_TRIES = 10;

    private static final Logger LOG = LoggerFactory.getLogger(BatchUpdates.class);

    private final BatchStore store;
    private final Clock clock;

    public BatchUpdates(BatchStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The store written to. */
    public BatchStore store() {
        return store;
    }

    /**
     * Applies events to a batch's record as stored (creating it with the pipeline's revision when it has none),
     * reading it again when it changed meanwhile.
     *
     * @return what was written (or, when nothing changed, what the record as stored decides)
     * @throws ConcurrentBatchChangeException when the record changed {@value #WRITE_TRIES} times
     */
    public BatchChange apply(Pipeline pipeline, String batch, List<BatchEvent> events) {
        for (int tries = 1; tries <= WRITE_TRIES; tries++) {
            Optional<BatchChange> written = tryOnce(pipeline, batch, events);
            if (written.isPresent()) {
                return written.get();
            }
            LOG.debug("outcome=batch-write-lost pipeline={} batch={} try={}", pipeline.name(), batch, tries);
        }
        throw new ConcurrentBatchChangeException(pipeline.name(), batch);
    }

    /** One read and one conditional write; empty when another writer changed the record first. */
    private Optional<BatchChange> tryOnce(Pipeline pipeline, String batch, List<BatchEvent> events) {
        Optional<BatchStore.Versioned> read = store.read(pipeline.name(), batch);
        BatchRecord before = read.map(BatchStore.Versioned::record)
                .orElseGet(() -> BatchRecord.open(pipeline.name(), batch, pipeline.revision()));
        BatchChange change = BatchLifecycle.apply(before, events, pipeline, clock.instant());
        if (!change.changed()) {
            // Nothing to write; for a batch with no record (a tick of a batch never opened) none is made.
            return Optional.of(change);
        }
        boolean written = read.isEmpty() ? store.create(change.after()) : store.replace(change.after(), read.get().version());
        if (!written) {
            return Optional.empty();
        }
        change.decisions(BatchDecision.MakeGather.class).forEach(gather -> LOG.info(
                "outcome=gather-decided pipeline={} batch={} step={} job={} taken={} skipped={}", pipeline.name(), batch,
                gather.step(), gather.jobId(), gather.taken().size(), gather.skipped().size()));
        change.decisions(BatchDecision.LateFile.class).forEach(late -> LOG.warn(
                "outcome=late-file pipeline={} batch={} file={} version={} state={}", pipeline.name(), batch,
                late.file().name(), late.file().version(), late.state()));
        return Optional.of(change);
    }

    /** A batch's record kept changing while events were applied to it: the caller leaves them for later. */
    public static final class ConcurrentBatchChangeException extends RuntimeException {
        public ConcurrentBatchChangeException(String pipeline, String batch) {
            super("batch " + pipeline + "/" + batch + ": its record changed " + WRITE_TRIES
                    + " times while events were applied; they come again");
        }
    }
}
