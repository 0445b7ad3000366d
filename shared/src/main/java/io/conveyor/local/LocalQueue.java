package io.conveyor.local;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The jobs of a run that wait for this machine, in the order they came, each with its algorithm: jobs
 * of one algorithm need the same room, so once one of them found none, placing can pass the rest of
 * them by, and stop when every algorithm that waits found none. Jobs queued since the last placement
 * are new: each learns, once, that it waits for capacity.
 */
final class LocalQueue {

    private final Map<String, String> algorithms = new LinkedHashMap<>();
    private final Map<String, Integer> perAlgorithm = new HashMap<>();
    private final Set<String> fresh = new LinkedHashSet<>();

    /** Queues a job at the end, unless it is queued already. */
    boolean add(String id, String algorithm) {
        if (algorithms.putIfAbsent(id, algorithm) != null) {
            return false;
        }
        perAlgorithm.merge(algorithm, 1, Integer::sum);
        fresh.add(id);
        return true;
    }

    /** Takes a job out of the queue (started, ended or rejected). */
    boolean remove(String id) {
        String algorithm = algorithms.remove(id);
        if (algorithm == null) {
            return false;
        }
        perAlgorithm.computeIfPresent(algorithm, (name, count) -> count == 1 ? null : count - 1);
        fresh.remove(id);
        return true;
    }

    boolean contains(String id) {
        return algorithms.containsKey(id);
    }

    boolean isEmpty() {
        return algorithms.isEmpty();
    }

    /** The queued jobs and their algorithms, in order (not to be changed while read). */
    Set<Map.Entry<String, String>> inOrder() {
        return algorithms.entrySet();
    }

    /** How many algorithms have jobs in the queue. */
    int algorithmCount() {
        return perAlgorithm.size();
    }

    /** Whether the job came since the last placement, and forgets that it did. */
    boolean takeFresh(String id) {
        return fresh.remove(id);
    }

    /** The jobs that came since the last placement, in order, now told apart no more. */
    List<String> drainFresh() {
        List<String> ids = List.copyOf(fresh);
        fresh.clear();
        return ids;
    }
}
