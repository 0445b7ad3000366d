package io.conveyor.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which files of the inbox are ready to be taken: those that stayed unchanged for the stability
 * window (a file last written longer ago than the window is ready when first seen). A file taken is not offered again until it changes (then its new content is new input).
 *
 * <p>What is no input is said once per file (once it stayed for the window, so a tool's passing
 * temporary file is not): hidden files and folders (said once for the top hidden one), symbolic links
 * to nothing, to a folder or to a file outside the inbox (a link to a file inside is that file), other
 * special files, and names that are not valid in the file name encoding of the JVM (a job's record
 * could not name them). Sidecars ({@link LocalParameters}) belong to their input and are not said.
 */
final class InboxScanner {

    /**
     * A file ready to be taken, below {@code inbox/<algorithm>/}; its size as the scan saw it (through a link, its
     * target's), or {@code -1}; and what its remembered digest is found by ({@link InputDigests.Stat#state()}), when
     * the scan read that (not through a link).
     */
    record Ready(Path file, String algorithm, String rest, long size, InputDigests.Entry seen) {

        Ready(Path file, String algorithm, String rest) {
            this(file, algorithm, rest, -1, null);
        }
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

    /** How long after its change a folder is listed again anyway: a file made in the same tick leaves its time alike. */
    static final Duration RACY = Duration.ofSeconds(1);

    /** How many taken files a look checks again at least, and how long a round of all of them may take. */
    private static final int RECHECK_AT_LEAST = 16;
    private static final Duration RECHECK_ROUND = Duration.ofSeconds(2);

    private record Observation(long size, long modified, long since) {
    }

    /** A taken file to look at again, and when it was queued (a {@link System#nanoTime()}): in that order. */
    private record Recheck(Path file, long queuedAt) {
    }

    /** A folder as last listed: its time of change then, when it was listed, what it held and which are folders. */
    private record Folder(FileTime modified, long listedAtMillis, Set<Path> entries, List<Path> subfolders) {

        /** A folder just found: listed on the next look. */
        static Folder unlisted() {
            return new Folder(FileTime.fromMillis(0), 0, Set.of(), List.of());
        }
    }

    private final Path inbox;
    private final Duration stable;
    private final Map<Path, Observation> observed = new HashMap<>();
    /** Files taken, with what they looked like then: a file that changes afterwards is new input. */
    private final Map<Path, Observation> taken = new HashMap<>();
    /** Taken files in the order they are checked again, a share each look. */
    private final ArrayDeque<Recheck> rechecks = new ArrayDeque<>();
    /** Files that are no input, from when they were first seen; {@code null} once said. */
    private final Map<Path, Long> skippedSince = new HashMap<>();
    /** Files first seen changing, from when; {@code null} once said. */
    private final Map<Path, Long> changingSince = new HashMap<>();
    /** Folders as last listed: one whose time of change stayed is not listed again. */
    private final Map<Path, Folder> folders = new HashMap<>();
    /** Files to look at again on the next look: not yet settled, or handed back. */
    private final Set<Path> unsettled = new HashSet<>();
    private final Path realInbox;
    /** The inbox's path and a {@code /}, as its files' paths begin. */
    private final String inboxPrefix;
    private final java.util.function.BiPredicate<Path, String> ranBefore;
    private long lastLook = System.nanoTime();
    private long nextSettles = Long.MAX_VALUE;
    /** The first look, when {@link #lookAhead} started it on a thread of its own: the first scan takes it. */
    private java.util.concurrent.FutureTask<Looked> ahead;

    /** What a look found: new files, and their attributes as their folder's listing read them. */
    private record Looked(Set<Path> files, Map<Path, BasicFileAttributes> listed) {
    }

    InboxScanner(Path inbox, Duration stable) {
        this(inbox, stable, (file, algorithm) -> false);
    }

    /**
     * @param ranBefore whether an earlier run ran a file, as it is now, for an algorithm: such a file is
     *                  ready when first seen (nothing new is taken from it)
     */
    InboxScanner(Path inbox, Duration stable, java.util.function.BiPredicate<Path, String> ranBefore) {
        this.ranBefore = ranBefore;
        this.inbox = inbox;
        this.stable = stable;
        Path real;
        try {
            real = inbox.toRealPath();
        } catch (IOException e) {
            real = inbox;
        }
        this.realInbox = real;
        this.inboxPrefix = inbox.toString().endsWith("/") ? inbox.toString() : inbox + "/";
    }

    /**
     * Looks at the inbox: files now ready, files that are misplaced, and whether some are still changing.
     * Only what may have changed is looked at: folders whose time of change moved are listed again, new
     * and unsettled files are looked at once each, and a share of the taken ones (all of them every
     * {@link #RECHECK_ROUND} at the least; beyond {@link #RECHECK_AT_LEAST} a look, only those looked at a round ago
     * or more), so work per look does not grow with the inbox.
     */
    Scan scan() throws IOException {
        boolean pending = false;
        long now = System.nanoTime();
        nextSettles = Long.MAX_VALUE;
        // New files' attributes as their folder's listing read them: looked at once in this look, and the state their
        // remembered digest is found by goes with them.
        Looked looked = ahead != null ? takeAhead() : look();
        Set<Path> files = looked.files();
        files.addAll(unsettled);
        unsettled.clear();
        Map<Path, BasicFileAttributes> listed = looked.listed();
        long share = Math.max(RECHECK_AT_LEAST, taken.size() * (now - lastLook) / RECHECK_ROUND.toNanos());
        lastLook = now;
        for (long i = 0; i < share && !rechecks.isEmpty(); i++) {
            // Beyond the least share, only files last looked at a round ago or more: a large inbox just taken is
            // not looked at again while its files are still being admitted.
            if (i >= RECHECK_AT_LEAST && now - rechecks.peek().queuedAt() < RECHECK_ROUND.toNanos()) {
                break;
            }
            Path file = rechecks.poll().file();
            if (taken.containsKey(file)) {
                files.add(file);
            }
        }
        List<Ready> ready = new ArrayList<>();
        List<Misplaced> misplaced = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<Skipped> waiting = new ArrayList<>();
        // In order of their paths (sorted once: a sorted set would compare as much again as it grows).
        List<Path> ordered = new ArrayList<>(files);
        ordered.sort(null);
        for (Path file : ordered) {
            if (LocalParameters.isSidecar(file)) {
                continue;
            }
            BasicFileAttributes attributes = listed.get(file);
            try {
                if (attributes == null) {
                    attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                }
            } catch (IOException e) {
                continue;
            }
            if (attributes.isDirectory()) {
                // A file that became a folder: listed on the next look.
                unsettled.remove(file);
                folders.putIfAbsent(file, Folder.unlisted());
                continue;
            }
            // Its path below the inbox as text: what a large inbox's files are told apart by, at little cost each.
            String relative = below(file);
            int slash = relative.indexOf('/');
            Skipped noInput = noInput(file, relative, attributes);
            if (noInput != null) {
                Long since = firstSeen(skippedSince, noInput.file(), now);
                if (since != null && Duration.ofNanos(now - since).compareTo(stable) >= 0) {
                    skippedSince.put(noInput.file(), null);
                    skipped.add(noInput);
                } else if (since != null) {
                    pending = settlesAt(file, since + stable.toNanos());
                }
                continue;
            }
            long size;
            long modified;
            try {
                BasicFileAttributes target = attributes.isSymbolicLink()
                        ? Files.readAttributes(file, BasicFileAttributes.class) : attributes;
                size = target.size();
                modified = target.lastModifiedTime().toMillis();
            } catch (IOException e) {
                continue;
            }
            Observation before = taken.get(file);
            if (before != null) {
                if (before.size() == size && before.modified() == modified) {
                    rechecks.add(new Recheck(file, now));
                    continue;
                }
                taken.remove(file);
            }
            if (slash < 0) {
                take(file, new Observation(size, modified, now), now);
                misplaced.add(new Misplaced(file));
                continue;
            }
            Observation seen = observed.get(file);
            // Unchanged for the window already when first seen (its last write is older), or run as it is by an
            // earlier run: no need to watch it for the window.
            if (seen == null && (stable.isPositive() && System.currentTimeMillis() - modified >= stable.toMillis()
                    || before == null && ranBefore.test(file, relative.substring(0, slash)))) {
                seen = new Observation(size, modified, now);
            } else if (seen == null || seen.size() != size || seen.modified() != modified
                    || Duration.ofNanos(now - seen.since()).compareTo(stable) < 0) {
                if (seen == null || seen.size() != size || seen.modified() != modified) {
                    seen = new Observation(size, modified, now);
                    observed.put(file, seen);
                }
                Long since = firstSeen(changingSince, file, now);
                pending = settlesAt(file, seen.since() + stable.toNanos());
                if (since != null && Duration.ofNanos(now - since).compareTo(SAY_WAITING_AFTER) >= 0) {
                    changingSince.put(file, null);
                    waiting.add(new Skipped(file, "still changing: taken once it stays unchanged for "
                            + stable.toMillis() / 1000.0 + " s (--stable)"));
                } else if (since != null) {
                    settlesAt(file, since + SAY_WAITING_AFTER.toNanos());
                }
                continue;
            }
            changingSince.remove(file);
            take(file, seen, now);
            observed.remove(file);
            ready.add(new Ready(file, relative.substring(0, slash), relative.substring(slash + 1), size,
                    attributes instanceof InputDigests.Stat stat && !stat.isSymbolicLink() ? stat.state() : null));
        }
        return new Scan(ready, misplaced, pending, skipped, waiting);
    }

    /**
     * Starts the first look at the inbox now, on a thread of its own, for the first {@link #scan} to take: listing a
     * large inbox and looking at each file overlaps with what a run does before it scans (reading its records). No
     * other method may be called until that scan.
     */
    void lookAhead() {
        ahead = new java.util.concurrent.FutureTask<>(this::look);
        Thread.ofPlatform().daemon().name("inbox-look").start(ahead);
    }

    private Looked takeAhead() throws IOException {
        try {
            return ahead.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the inbox was looked at");
        } finally {
            ahead = null;
        }
    }

    private Looked look() throws IOException {
        Looked looked = new Looked(new HashSet<>(), new HashMap<>());
        look(inbox, System.currentTimeMillis(), looked.files(), looked.listed());
        return looked;
    }

    /**
     * When a file was first seen so ({@code now} if it was not), or {@code null} once it was said. Not
     * {@link Map#computeIfAbsent}, which takes a {@code null} for no entry: a file said already would be said again.
     */
    private static Long firstSeen(Map<Path, Long> since, Path file, long now) {
        if (!since.containsKey(file)) {
            since.put(file, now);
            return now;
        }
        return since.get(file);
    }

    /** When the next look may find an unsettled file settled (a {@link System#nanoTime()}), or {@link Long#MAX_VALUE}. */
    long nextSettles() {
        return nextSettles;
    }

    private boolean settlesAt(Path file, long at) {
        unsettled.add(file);
        nextSettles = Math.min(nextSettles, at);
        return true;
    }

    private void take(Path file, Observation as, long now) {
        taken.put(file, as);
        rechecks.add(new Recheck(file, now));
    }

    /**
     * Lists a folder again when its time of change moved (or lies too close to its last listing to
     * tell), adding the entries that are new to {@code files}; then its subfolders likewise.
     */
    private void look(Path folder, long nowMillis, Set<Path> files, Map<Path, BasicFileAttributes> listed)
            throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(folder, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            drop(folder);
            return;
        }
        if (!attributes.isDirectory()) {
            drop(folder);
            files.add(folder);
            return;
        }
        Folder known = folders.get(folder);
        if (known == null || !known.modified().equals(attributes.lastModifiedTime())
                || known.modified().toMillis() >= known.listedAtMillis() - RACY.toMillis()) {
            Set<Path> entries = new HashSet<>();
            try (DirectoryStream<Path> listing = Files.newDirectoryStream(folder)) {
                listing.forEach(entries::add);
            } catch (java.nio.file.NoSuchFileException e) {
                drop(folder);
                return;
            }
            Set<Path> before = known == null ? Set.of() : known.entries();
            for (Path entry : before) {
                if (!entries.contains(entry)) {
                    drop(entry);
                }
            }
            List<Path> fresh = new ArrayList<>();
            for (Path entry : entries) {
                if (!before.contains(entry)) {
                    fresh.add(entry);
                }
            }
            InputDigests.Stat[] stats = statAll(fresh);
            for (int i = 0; i < stats.length; i++) {
                Path entry = fresh.get(i);
                if (stats[i] == null) {
                    // Gone since the listing (or unreadable): it is looked at as a file, and skipped if still so.
                    files.add(entry);
                } else if (stats[i].isDirectory()) {
                    folders.putIfAbsent(entry, Folder.unlisted());
                } else {
                    files.add(entry);
                    listed.put(entry, stats[i]);
                }
            }
            known = new Folder(attributes.lastModifiedTime(), nowMillis, entries,
                    entries.stream().filter(folders::containsKey).sorted().toList());
            folders.put(folder, known);
        }
        for (Path subfolder : known.subfolders()) {
            look(subfolder, nowMillis, files, listed);
        }
    }

    /** How many new entries of a folder are looked at by more than one thread. */
    private static final int STAT_IN_PARALLEL_FROM = 1_024;

    /**
     * Each entry looked at once, not following links; {@code null} for one that is gone or cannot be read. Many (a
     * large inbox's first look) are looked at by the common pool's threads too: each look is a system call, and the
     * look of a run's start would otherwise keep one core while the other waits for it.
     */
    private static InputDigests.Stat[] statAll(List<Path> entries) {
        InputDigests.Stat[] stats = new InputDigests.Stat[entries.size()];
        java.util.stream.IntStream indexes = java.util.stream.IntStream.range(0, stats.length);
        (stats.length >= STAT_IN_PARALLEL_FROM ? indexes.parallel() : indexes).forEach(i -> {
            try {
                stats[i] = InputDigests.Stat.of(entries.get(i), LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                stats[i] = null;
            }
        });
        return stats;
    }

    /** Forgets an entry that is gone: a folder with all it held, or a file. */
    private void drop(Path entry) {
        Folder folder = folders.remove(entry);
        if (folder != null) {
            folder.entries().forEach(this::drop);
        }
        taken.remove(entry);
        observed.remove(entry);
        unsettled.remove(entry);
    }

    /** A file's path below the inbox, as text ({@code /} between names). */
    private String below(Path file) {
        String text = file.toString();
        return text.startsWith(inboxPrefix) ? text.substring(inboxPrefix.length()) : inbox.relativize(file).toString();
    }

    /**
     * Why a file is no input (naming the file or hidden folder to say it of), or {@code null}.
     *
     * @param relative its path below the inbox ({@link #below})
     */
    private Skipped noInput(Path file, String relative, BasicFileAttributes attributes) {
        // Where the first name that begins with a dot starts: at the start, or just after a '/' (0 too when none).
        int hidden = relative.startsWith(".") ? 0 : relative.indexOf("/.") + 1;
        if (hidden > 0 || relative.startsWith(".")) {
            int end = relative.indexOf('/', hidden);
            return new Skipped(inbox.resolve(end < 0 ? relative : relative.substring(0, end)), end >= 0
                    ? "a hidden folder: its files are no inputs" : "a hidden file: no input");
        }
        // A name whose bytes are not valid in the file name encoding reads with U+FFFD in their place (and then does
        // not name the file); only such a name is turned back into a path to compare.
        if (file.toString().indexOf('\uFFFD') >= 0 && !Path.of(file.toString()).equals(file)) {
            return new Skipped(file, "its name is not valid " + System.getProperty("sun.jnu.encoding", "UTF-8")
                    + " (the file name encoding of this JVM): rename it");
        }
        if (attributes.isSymbolicLink()) {
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
        if (!(attributes.isRegularFile() || attributes.isSymbolicLink() && Files.isRegularFile(file))) {
            return new Skipped(file, "not a regular file");
        }
        return null;
    }

    /** Forgets that a file was taken: it is offered again once it is stable (its content changed). */
    void forget(Path file) {
        taken.remove(file);
        unsettled.add(file);
    }
}
