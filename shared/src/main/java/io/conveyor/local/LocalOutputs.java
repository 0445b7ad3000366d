package io.conveyor.local;

import io.conveyor.jobs.JobRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import io.conveyor.storage.Digests;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The local mode's folders for attempts and outputs, laid out like the output bucket: each attempt
 * works in a folder of {@code .work/} that attempts reuse one after another ({@code .work/slot-<n>/}); a job's
 * output ends in {@code outputs/<algorithm>/<input path>/<job>/}, or for a job of a pipeline
 * {@code outputs/<pipeline>/<batch>/<step>/<input path below the batch>/<job>/} (a first step's input path is
 * the file's below {@code inbox/<pipeline>/<batch>/}, a later step's its upstream output's below
 * {@code outputs/<pipeline>/<batch>/}); each attempt's log in {@code logs/<job>/<attempt>/algorithm.log}.
 */
final class LocalOutputs {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalOutputs.class);
    /** How a folder of {@code .work/} is named once moved aside, to be removed. */
    static final String REMOVING = ".removing-";

    /** How the folders attempts work in are named, below {@code .work/}, before their number. */
    static final String SLOT = "slot-";

    private final LocalSettings settings;
    private final java.util.concurrent.Executor removals;
    /** The folder each attempt that has one holds, by {@link #key}. */
    private final Map<String, Integer> held = new HashMap<>();
    /** The folders made and not held, lowest first. */
    private final TreeSet<Integer> free = new TreeSet<>();
    private int made;

    /** Outputs whose folders of {@code .work/} are removed ({@link #removeAll}) on the calling thread. */
    LocalOutputs(LocalSettings settings) {
        this(settings, Runnable::run);
    }

    /** Outputs whose folders of {@code .work/} are removed by {@code removals}, once moved aside. */
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

    /**
     * Where an attempt runs: a folder it holds until {@link #free}, taken from those free when first asked. A folder
     * serves one attempt after another: on ext4, a new inode costs more than a reused one, most when many were freed
     * in the last minutes (docs/design/decisions.md, ninth pass).
     */
    synchronized Path attemptDir(JobRecord record) {
        int slot = held.computeIfAbsent(key(record.id(), record.attempt()),
                k -> free.isEmpty() ? made++ : free.pollFirst());
        return settings.work().resolve(SLOT + slot);
    }

    /** The attempt's folder is free for the next: its output has moved, or it is not wanted. */
    synchronized void free(String jobId, int attempt) {
        Integer slot = held.remove(key(jobId, attempt));
        if (slot != null) {
            free.add(slot);
        }
    }

    private static String key(String jobId, int attempt) {
        return jobId + "/" + attempt;
    }

    /**
     * The attempt's folder, made ready for it: an empty {@code output/}, and an {@code input/} holding at most one
     * regular file an earlier attempt staged, renamed to {@code staged} to be written over (none when {@code staged}
     * is null). Anything else an earlier attempt left in the folder is removed; nothing is followed through a link
     * (the algorithm may have made any).
     */
    Path ready(JobRecord record, String staged) throws IOException {
        Path dir = attemptDir(record);
        if (!realFolder(dir)) {
            Files.createDirectories(dir);
        }
        Path reusable = null;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.equals("input") && realFolder(entry)) {
                    reusable = emptyBut(entry, staged != null, staged);
                } else if (name.equals("output") && realFolder(entry)) {
                    emptyBut(entry, false, null);
                } else {
                    deleteTree(entry);
                }
            }
        }
        Path input = dir.resolve("input");
        for (Path folder : List.of(input, dir.resolve("output"))) {
            if (!realFolder(folder)) {
                Files.createDirectory(folder);
            }
        }
        if (reusable != null && !reusable.getFileName().toString().equals(staged)) {
            Files.move(reusable, input.resolve(staged));
        }
        return dir;
    }

    private static boolean realFolder(Path path) {
        return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Removes a folder's entries, but for one regular file when {@code keepAFile}: the one named {@code preferred} if
     * there is one, else any; returns the file kept.
     */
    private static Path emptyBut(Path folder, boolean keepAFile, String preferred) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> listed = Files.newDirectoryStream(folder)) {
            listed.forEach(entries::add);
        }
        Path kept = !keepAFile ? null : entries.stream()
                .filter(entry -> Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS))
                .min(Comparator.comparing(entry -> !entry.getFileName().toString().equals(preferred))).orElse(null);
        for (Path entry : entries) {
            if (!entry.equals(kept)) {
                deleteTree(entry);
            }
        }
        return kept;
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
     * Removes every folder of {@code .work/}, by {@link #removals} once moved aside: at a run's start, what an earlier
     * run left (a run that stopped midway, or a version that worked in a folder a job); at its end, its own folders.
     */
    void removeAll() throws IOException {
        if (!Files.isDirectory(settings.work())) {
            return;
        }
        List<Path> entries;
        try (Stream<Path> listed = Files.list(settings.work())) {
            entries = listed.toList();
        }
        for (Path entry : entries) {
            if (entry.getFileName().toString().startsWith(REMOVING)) {
                remove(entry);
            } else {
                Path aside = settings.work().resolve(REMOVING + entry.getFileName() + "-"
                        + Long.toString(System.nanoTime(), 36));
                Files.move(entry, aside, StandardCopyOption.ATOMIC_MOVE);
                remove(aside);
            }
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
