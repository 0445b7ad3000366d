package io.conveyor.reconcile;

import io.conveyor.jobs.JobId;
import io.conveyor.jobs.JobStore;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.AlgorithmRegistry;
import io.conveyor.storage.BucketLayout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The reconciler's first step: inputs whose notification never came. A page of the input listing from the
 * checkpoint; each key older than the settle time, of an active algorithm, written after the algorithm's
 * current revision was registered, and without a job record, is handed to dispatch as its notification
 * would have been.
 *
 * <p>A job's id is its input version with the algorithm's revision, so the record looked for is the one the
 * current revision makes, named by version id or, where the notification named no version (an emulator's),
 * by {@code etag:}. An input written before that revision belongs to an earlier one: dispatch made (or
 * rejected) its job then, under that revision's id, so it is left alone rather than run again with the new
 * revision unasked.
 */
final class InputRecovery {

    /** What one step did, and where the listing goes on. */
    record Result(int listed, List<InputObject> sent, String inputsAfter, boolean wrapped, boolean stoppedEarly) {
    }

    /**
     * S3 tells {@code LastModified} to the second, truncated: an input written in the second its algorithm's
     * revision was registered may read as written before it, so it counts as after (and would rather be looked
     * at than be lost).
     */
    static final java.time.Duration LAST_MODIFIED_PRECISION = java.time.Duration.ofSeconds(1);

    private final InputListing listing;
    private final InputRedelivery redelivery;
    private final JobStore jobs;
    private final AlgorithmRegistry registry;
    private final Map<String, Optional<AlgorithmRecord>> algorithms = new HashMap<>();

    InputRecovery(InputListing listing, InputRedelivery redelivery, JobStore jobs, AlgorithmRegistry registry) {
        this.listing = listing;
        this.redelivery = redelivery;
        this.jobs = jobs;
        this.registry = registry;
    }

    Result run(ReconcileState state, ReconcileSettings settings, Instant now, BooleanSupplier pastDeadline) {
        InputListing.Page page = listing.after(state.inputsAfter(), settings.maxInputs());
        Instant settled = now.minus(settings.settle());
        List<InputObject> missing = new ArrayList<>();
        String last = state.inputsAfter();
        int listed = 0;
        boolean stoppedEarly = false;
        for (InputObject input : page.inputs()) {
            if (pastDeadline.getAsBoolean()) {
                stoppedEarly = true;
                break;
            }
            listed++;
            last = input.ref().key();
            if (!input.lastModified().isAfter(settled) && !state.sentRecently(sentKey(input), now)
                    && lacksJob(input)) {
                missing.add(input);
            }
        }
        if (!missing.isEmpty()) {
            redelivery.redeliver(missing);
        }
        boolean wrapped = !stoppedEarly && !page.more();
        return new Result(listed, missing, wrapped ? null : last, wrapped, stoppedEarly);
    }

    /** How the state remembers an input sent. */
    static String sentKey(InputObject input) {
        return input.ref().key() + "#" + input.jobVersion();
    }

    private boolean lacksJob(InputObject input) {
        String key = input.ref().key();
        if (!key.startsWith(BucketLayout.INPUTS_PREFIX) || key.endsWith("/")) {
            return false;
        }
        String below = key.substring(BucketLayout.INPUTS_PREFIX.length());
        int slash = below.indexOf('/');
        if (slash <= 0) {
            return false;
        }
        String name = below.substring(0, slash);
        Optional<AlgorithmRecord> algorithm = algorithms.computeIfAbsent(name, registry::algorithm);
        if (algorithm.isEmpty() || !algorithm.get().active() || algorithm.get().sha256() == null) {
            return false;
        }
        String registeredAt = algorithm.get().registeredAt();
        if (registeredAt != null && input.lastModified().plus(LAST_MODIFIED_PRECISION).isBefore(Instant.parse(registeredAt))) {
            return false;
        }
        String uri = input.ref().uri();
        String revision = algorithm.get().sha256();
        if (jobs.get(JobId.of(uri, input.jobVersion(), name, revision)).isPresent()) {
            return false;
        }
        return input.versionId() == null || jobs.get(JobId.of(uri, "etag:" + input.eTag(), name, revision)).isEmpty();
    }
}
