package io.conveyor.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Which files of the inbox are ready to be taken: those that stayed unchanged for the stability
 * window. A file taken is not offered again until it changes (then its new content is new input).
 *
 * <p>What is no input is said once per file (once it stayed for the window, so a tool's passing
 * temporary file is not): hidden files and folders (said once for the top hidden one), symbolic links
 * to nothing, to a folder or to a file outside the inbox (a link to a file inside is that file), other
 * special files, and names that are not valid in the file name encoding of the JVM (a job's record
 * could not name them). Sidecars ({@link LocalParameters}) belong to their input and are not said.
 */
final class InboxScanner {

    /** A file ready to be taken, below {@code inbox/<algorithm>/}. */
    record Ready(Path file, String algorithm, String rest) {
    }

    /** A file that is no input at all (not below an algorithm's folder). */
    record Misplaced(Path file) {
    }

    /** A file that is no input, and why; or one still changing after a while. */
    record Skipped(Path file, String reason) {
    }

    /**
     * What one look at the inbox found.
     *
     * @param skipped files newly found to be no input
     * @param waiting files that have kept changing for {@link #SAY_WAITING_AFTER}, said once each
     */
    record Scan(List<Ready> ready, List<Misplaced> misplaced, boolean pending, List<Skipped> skipped,
                List<Skipped> waiting) {
        Scan(List<Ready> ready, List<Misplaced> misplaced, boolean pending) {
            this(ready, misplaced, pending, List.of(), List.of());
        }
    }

    /** How long a file may keep changing before the scan says which one it waits for. */
    static final Duration SAY_WAITING_AFTER = Duration.ofSeconds(3);

    private record Observation(long size, long modified, long since) {
    }

    private final Path inbox;
    private final Duration stable;
    private final Map<Path, Observation> observed = new HashMap<>();
    /** Files taken, with what they looked like then: a file that changes afterwards is new input. */
    private final Map<Path, Observation> taken = new HashMap<>();
    /** Files that are no input, from when they were first seen; {@code null} once said. */
    private final Map<Path, Long> skippedSince = new HashMap<>();
    /** Files first seen changing, from when; {@code null} once said. */
    private final Map<Path, Long> changingSince = new HashMap<>();
    private final Path realInbox;

    InboxScanner(Path inbox, Duration stable) {
        this.inbox = inbox;
        this.stable = stable;
        Path real;
        try {
            real = inbox.toRealPath();
        } catch (IOException e) {
            real = inbox;
        }
        this.realInbox = real;
    }

    /** Looks at the inbox: files now ready, files that are misplaced, and whether some are still changing. */
    Scan scan() throws IOException {
        boolean pending = false;
        long now = System.nanoTime();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(inbox)) {
            files = walk.filter(f -> !Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        List<Ready> ready = new ArrayList<>();
        List<Misplaced> misplaced = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<Skipped> waiting = new ArrayList<>();
        for (Path file : files) {
            if (LocalParameters.isSidecar(file)) {
                continue;
            }
            Skipped noInput = noInput(file);
            if (noInput != null) {
                Long since = skippedSince.computeIfAbsent(noInput.file(), f -> now);
                if (since != null && Duration.ofNanos(now - since).compareTo(stable) >= 0) {
                    skippedSince.put(noInput.file(), null);
                    skipped.add(noInput);
                } else if (since != null) {
                    pending = true;
                }
                continue;
            }
            long size;
            long modified;
            try {
                size = Files.size(file);
                modified = Files.getLastModifiedTime(file).toMillis();
            } catch (IOException e) {
                continue;
            }
            Observation before = taken.get(file);
            if (before != null) {
                if (before.size() == size && before.modified() == modified) {
                    continue;
                }
                taken.remove(file);
            }
            Path relative = inbox.relativize(file);
            if (relative.getNameCount() < 2) {
                taken.put(file, new Observation(size, modified, now));
                misplaced.add(new Misplaced(file));
                continue;
            }
            Observation seen = observed.get(file);
            if (seen == null || seen.size() != size || seen.modified() != modified
                    || Duration.ofNanos(now - seen.since()).compareTo(stable) < 0) {
                if (seen == null || seen.size() != size || seen.modified() != modified) {
                    observed.put(file, new Observation(size, modified, now));
                }
                pending = true;
                Long since = changingSince.computeIfAbsent(file, f -> now);
                if (since != null && Duration.ofNanos(now - since).compareTo(SAY_WAITING_AFTER) >= 0) {
                    changingSince.put(file, null);
                    waiting.add(new Skipped(file, "still changing: taken once it stays unchanged for "
                            + stable.toMillis() / 1000.0 + " s (--stable)"));
                }
                continue;
            }
            changingSince.remove(file);
            taken.put(file, seen);
            observed.remove(file);
            ready.add(new Ready(file, relative.getName(0).toString(),
                    relative.subpath(1, relative.getNameCount()).toString()));
        }
        return new Scan(ready, misplaced, pending, skipped, waiting);
    }

    /** Why a file is no input (naming the file or hidden folder to say it of), or {@code null}. */
    private Skipped noInput(Path file) {
        Path relative = inbox.relativize(file);
        for (int i = 0; i < relative.getNameCount(); i++) {
            if (relative.getName(i).toString().startsWith(".")) {
                Path hidden = inbox.resolve(relative.subpath(0, i + 1));
                return new Skipped(hidden, i + 1 < relative.getNameCount() ? "a hidden folder: its files are no inputs"
                        : "a hidden file: no input");
            }
        }
        if (!Path.of(file.toString()).equals(file)) {
            return new Skipped(file, "its name is not valid " + System.getProperty("sun.jnu.encoding", "UTF-8")
                    + " (the file name encoding of this JVM): rename it");
        }
        if (Files.isSymbolicLink(file)) {
            Path target;
            try {
                target = file.toRealPath();
            } catch (IOException e) {
                return new Skipped(file, "a symbolic link to nothing");
            }
            if (Files.isDirectory(target)) {
                return new Skipped(file, "a symbolic link to a folder: not followed");
            }
            if (!target.startsWith(realInbox)) {
                return new Skipped(file, "a symbolic link to " + target + ", outside the inbox: not followed (copy the"
                        + " file in instead)");
            }
        }
        if (!Files.isRegularFile(file)) {
            return new Skipped(file, "not a regular file");
        }
        return null;
    }

    /** Forgets that a file was taken: it is offered again once it is stable (its content changed). */
    void forget(Path file) {
        taken.remove(file);
    }
}
