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
 * this one (a file lock is held per process, so threads take an in-process lock first).
 */
final class FolderLock {

    private static final ConcurrentMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

    private FolderLock() {
    }

    /** Runs {@code write} holding {@code dir}'s lock; its answer. */
    static boolean locked(Path dir, BooleanSupplier write) {
        ReentrantLock inJvm = IN_JVM.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new ReentrantLock());
        inJvm.lock();
        try (FileChannel channel = FileChannel.open(dir.resolve(".write-lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
            return write.getAsBoolean();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dir.resolve(".write-lock"), e);
        } finally {
            inJvm.unlock();
        }
    }
}
