package io.conveyor.local;

import io.conveyor.jobs.JobRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import io.conveyor.storage.Digests;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The local mode's folders for attempts and outputs, laid out like the output bucket: each attempt
 * works in {@code .work/<job>/attempt-<n>/}; a job's output ends in
 * {@code outputs/<algorithm>/<input path>/<job>/}, or for a job of a pipeline
 * {@code outputs/<pipeline>/<batch>/<step>/<input path below the batch>/<job>/} (a first step's input path is
 * the file's below {@code inbox/<pipeline>/<batch>/}, a later step's its upstream output's below
 * {@code outputs/<pipeline>/<batch>/}); each attempt's log in {@code logs/<job>/<attempt>/algorithm.log}.
 */
final class LocalOutputs {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalOutputs.class);
    /** How a finished job's working folder is named once moved aside, to be removed. */
    static final String REMOVING = ".removing-";

    private final LocalSettings settings;
    private final java.util.concurrent.Executor removals;

    /** Outputs whose finished jobs' working folders are removed on the calling thread. */
    LocalOutputs(LocalSettings settings) {
        this(settings, Runnable::run);
    }

    /** Outputs whose finished jobs' working folders are removed by {@code removals}, once moved aside. */
    LocalOutputs(LocalSettings settings, java.util.concurrent.Executor removals) {
        this.settings = settings;
        this.removals = removals;
    }

    /** Whether a job's input is still there: a file, or a gather's folder. */
    static boolean inputPresent(JobRecord record) {
        Path input = Path.of(record.input());
        return isGather(record) ? Files.isDirectory(input) : Files.isRegularFile(input);
    }

    /** Whether a job is a gather's: its input a folder of a batch's outputs. */
    static boolean isGather(JobRecord record) {
        return record.pipeline() != null && io.conveyor.jobs.NewJob.GATHER_INPUT_VERSION.equals(record.inputVersion());
    }

    /** Where an attempt runs. */
    Path attemptDir(JobRecord record) {
        return settings.work().resolve(record.id()).resolve("attempt-" + record.attempt());
    }

    /** Where an attempt's log lies: kept after the job ends, unlike its working folder. */
    Path logFile(JobRecord record) {
        return logFile(settings, record.id(), record.attempt());
    }

    /** Where the log of one attempt of a job lies. */
    static Path logFile(LocalSettings settings, String jobId, int attempt) {
        return settings.logs().resolve(jobId).resolve(Integer.toString(attempt)).resolve("algorithm.log");
    }

    /** Where a job's output lies once it ended. */
    Path outputDir(JobRecord record) {
        if (record.pipeline() != null) {
            return batchOutputs(record.pipeline()).resolve(record.pipeline().step()).resolve(restInBatch(record))
                    .resolve(record.id());
        }
        return settings.outputs().resolve(record.algorithm()).resolve(rest(record)).resolve(record.id());
    }

    /** Where the outputs of a pipeline's batch lie: {@code outputs/<pipeline>/<batch>/}. */
    Path batchOutputs(io.conveyor.jobs.PipelinePlace place) {
        return settings.outputs().resolve(place.pipeline()).resolve(place.batch());
    }

    /** The path of a pipeline job's input below its batch's folder (in the inbox, or in the outputs). */
    String restInBatch(JobRecord record) {
        if (isGather(record)) {
            return "";
        }
        Path input = Path.of(record.input());
        Path batchOutputs = batchOutputs(record.pipeline());
        if (input.startsWith(batchOutputs)) {
            return batchOutputs.relativize(input).toString();
        }
        Path batchInbox = settings.inbox().resolve(record.pipeline().pipeline()).resolve(record.pipeline().batch());
        if (input.startsWith(batchInbox) && !input.equals(batchInbox)) {
            return batchInbox.relativize(input).toString();
        }
        return input.getFileName().toString();
    }

    /**
     * Moves the current attempt's output where the job's output lies (partial output survives a
     * failure) and returns the files there, relative to it.
     */
    List<String> keep(JobRecord record) throws IOException {
        Path target = outputDir(record);
        Path produced = attemptDir(record).resolve("output");
        Files.createDirectories(target.getParent());
        if (Files.exists(target)) {
            deleteTree(target);
        }
        if (Files.exists(produced)) {
            try {
                Files.move(produced, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                // outputs/ lies on another file system than .work/: copy, then remove.
                copyTree(produced, target);
                deleteTree(produced);
            }
        } else {
            Files.createDirectories(target);
        }
        return files(target);
    }

    /**
     * A finished job's attempts are not needed any more: their output has moved. Their folder is moved aside at once
     * (a retry of the job may start one of that name) and removed by {@link #removals}: on ext4, freeing a folder's
     * inodes costs about as much as making them, and the deciding thread need not wait for it.
     */
    void cleanUp(JobRecord record) throws IOException {
        Path dir = settings.work().resolve(record.id());
        if (Files.exists(dir)) {
            Path aside = settings.work().resolve(REMOVING + record.id() + "-" + Long.toString(System.nanoTime(), 36));
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
            remove(aside);
        }
    }

    /** Removes what a run that stopped midway left moved aside ({@link #cleanUp}), as every removal: by {@link #removals}. */
    void removeLeftovers() throws IOException {
        if (!Files.isDirectory(settings.work())) {
            return;
        }
        try (Stream<Path> entries = Files.list(settings.work())) {
            entries.filter(entry -> entry.getFileName().toString().startsWith(REMOVING)).forEach(this::remove);
        }
    }

    private void remove(Path aside) {
        removals.execute(() -> {
            try {
                deleteTree(aside);
            } catch (IOException | RuntimeException e) {
                // Left for the next run to remove; nothing of the job's depends on it.
                LOG.warn("outcome=work-folder-left folder=\"{}\" reason=\"{}\"", aside, e.toString());
            }
        });
    }

    /** The path of a job's input below its algorithm's folder (or below outputs/, for a chain's step). */
    String rest(JobRecord record) {
        Path input = Path.of(record.input());
        if (input.startsWith(settings.inbox())) {
            Path relative = settings.inbox().relativize(input);
            return relative.subpath(1, relative.getNameCount()).toString();
        }
        if (input.startsWith(settings.outputs())) {
            return settings.outputs().relativize(input).toString();
        }
        return input.getFileName().toString();
    }

    /** The path of a file below outputs/ (where a chain's next step finds its input). */
    String belowOutputs(Path file) {
        return settings.outputs().relativize(file).toString();
    }

    /** Each file below a folder (relative to it) → {@code sha256:<hex>} of its content. */
    static Map<String, String> checksums(Path dir, List<String> files) throws IOException {
        Map<String, String> checksums = new LinkedHashMap<>();
        for (String file : files) {
            checksums.put(file, "sha256:" + Digests.sha256(dir.resolve(file)));
        }
        return checksums;
    }

    /** The regular files below a folder, relative to it, in order. */
    static List<String> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(file -> dir.relativize(file).toString()).sorted().toList();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
