package io.conveyor.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs one step for each job of a batch, at most {@code parallelism} at once, and gives the results in
 * the jobs' order. Each job's own steps run one after another inside its step; the jobs overlap. The
 * threads are made on first use and end after a minute idle (a Lambda environment keeps the pool
 * between invocations). With a parallelism of 1 every step runs on the caller's thread.
 */
final class Overlap {

    private final int parallelism;
    private final ThreadPoolExecutor pool;

    Overlap(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        this.parallelism = parallelism;
        if (parallelism == 1) {
            this.pool = null;
            return;
        }
        AtomicInteger made = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(parallelism, parallelism, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "dispatch-" + made.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.pool.allowCoreThreadTimeOut(true);
    }

    int parallelism() {
        return parallelism;
    }

    /**
     * {@code step} applied to each item, in the items' order. The step is to settle its own failures; one
     * that throws all the same is thrown here once every other step has ended.
     */
    <T, R> List<R> each(List<T> items, Function<T, R> step) {
        if (pool == null || items.size() <= 1) {
            return items.stream().map(step).toList();
        }
        List<Future<R>> futures = new ArrayList<>(items.size());
        for (T item : items) {
            futures.add(pool.submit(() -> step.apply(item)));
        }
        List<R> results = new ArrayList<>(items.size());
        RuntimeException failure = null;
        boolean interrupted = false;
        for (Future<R> future : futures) {
            while (true) {
                try {
                    results.add(future.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;  // the steps run on: their records and tasks must be settled
                } catch (ExecutionException e) {
                    failure = failure != null ? failure : e.getCause() instanceof RuntimeException r ? r
                            : new IllegalStateException(e.getCause());
                    results.add(null);
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }
}
