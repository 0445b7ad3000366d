package io.conveyor.local;

import java.io.IOException;
import java.nio.file.Files;
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
 */
final class InboxScanner {

    /** A file ready to be taken, below {@code inbox/<algorithm>/}. */
    record Ready(Path file, String algorithm, String rest) {
    }

    /** A file that is no input at all (not below an algorithm's folder). */
    record Misplaced(Path file) {
    }

    /** What one look at the inbox found. */
    record Scan(List<Ready> ready, List<Misplaced> misplaced, boolean pending) {
    }

    private record Observation(long size, long modified, long since) {
    }

    private final Path inbox;
    private final Duration stable;
    private final Map<Path, Observation> observed = new HashMap<>();
    /** Files taken, with what they looked like then: a file that changes afterwards is new input. */
    private final Map<Path, Observation> taken = new HashMap<>();

    InboxScanner(Path inbox, Duration stable) {
        this.inbox = inbox;
        this.stable = stable;
    }

    /** Looks at the inbox: files now ready, files that are misplaced, and whether some are still changing. */
    Scan scan() throws IOException {
        boolean pending = false;
        long now = System.nanoTime();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(inbox)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        List<Ready> ready = new ArrayList<>();
        List<Misplaced> misplaced = new ArrayList<>();
        for (Path file : files) {
            if (file.getFileName().toString().startsWith(".")) {
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
            if (seen == null || seen.size() != size || seen.modified() != modified) {
                observed.put(file, new Observation(size, modified, now));
                pending = true;
                continue;
            }
            if (Duration.ofNanos(now - seen.since()).compareTo(stable) < 0) {
                pending = true;
                continue;
            }
            taken.put(file, seen);
            observed.remove(file);
            ready.add(new Ready(file, relative.getName(0).toString(),
                    relative.subpath(1, relative.getNameCount()).toString()));
        }
        return new Scan(ready, misplaced, pending);
    }

    /** Forgets that a file was taken: it is offered again once it is stable (its content changed). */
    void forget(Path file) {
        taken.remove(file);
    }
}
