package io.conveyor.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The write lock of a folder of records (the outbox's {@code jobs/}, {@code batches/}): one writer at a time across
 * processes ({@code .write-lock}, an OS file lock: the running {@code conveyor local} and the job commands) and within
 * this one (a file lock is held per process, so threads take an in-process lock first). A store that writes often
 * keeps one, whose lock file stays open between writes; {@link #locked(Path, BooleanSupplier)} opens it for one write.
 */
final class FolderLock {

    private static final ConcurrentMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

    private final Path dir;
    private final ReentrantLock inJvm;
    /** The lock file, open while this lock is in use; guarded by {@link #inJvm}. */
    private FileChannel file;

    FolderLock(Path dir) {
        this.dir = dir;
        this.inJvm = IN_JVM.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new ReentrantLock());
    }

    /** Runs {@code write} holding {@code dir}'s lock; its answer. */
    static boolean locked(Path dir, BooleanSupplier write) {
        return new FolderLock(dir).locked(write, false);
    }

    /** Runs {@code write} holding this folder's lock, its lock file left open for the next write; its answer. */
    boolean locked(BooleanSupplier write) {
        return locked(write, true);
    }

    private boolean locked(BooleanSupplier write, boolean keepOpen) {
        inJvm.lock();
        try {
            // A thread interrupted while it waited for the lock closed the file: it is opened again.
            if (file == null || !file.isOpen()) {
                file = FileChannel.open(dir.resolve(".write-lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            }
            try (FileLock lock = file.lock()) {
                return write.getAsBoolean();
            } finally {
                if (!keepOpen) {
                    file.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dir.resolve(".write-lock"), e);
        } finally {
            inJvm.unlock();
        }
    }
}
