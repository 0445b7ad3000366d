package io.conveyor.local;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

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

    /** What placing found for one job: room reserved, no room, or a reason it cannot run ({@code null}: no record). */
    record Verdict(boolean placed, boolean rejected, String reason) {
        static final Verdict PLACED = new Verdict(true, false, null);
        static final Verdict NO_ROOM = new Verdict(false, false, null);

        static Verdict rejected(String reason) {
            return new Verdict(false, true, reason);
        }
    }

    /** What a placement does: jobs to start (their room reserved), to tell they wait, to reject (and why). */
    record Plan(List<String> start, List<String> waiting, Map<String, String> rejected) {
    }

    /**
     * Walks the queue in order, asking {@code verdict} of each job (by id and algorithm) until every
     * algorithm that waits found no room ({@code everything}: to the end); the jobs of an algorithm that
     * found none are passed by. Every job new since the last plan is told it waits, unless it is placed
     * or rejected.
     */
    Plan plan(boolean everything, BiFunction<String, String, Verdict> verdict) {
        List<String> start = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        Map<String, String> rejected = new LinkedHashMap<>();
        Set<String> full = new HashSet<>();
        for (Map.Entry<String, String> queued : algorithms.entrySet()) {
            if (!everything && full.size() == perAlgorithm.size()) {
                break;
            }
            String id = queued.getKey();
            boolean isNew = fresh.remove(id);
            Verdict found = full.contains(queued.getValue()) ? Verdict.NO_ROOM : verdict.apply(id, queued.getValue());
            if (found.placed()) {
                start.add(id);
            } else if (found.rejected()) {
                rejected.put(id, found.reason());
            } else {
                full.add(queued.getValue());
                if (isNew) {
                    waiting.add(id);
                }
            }
        }
        waiting.addAll(fresh);
        fresh.clear();
        return new Plan(start, waiting, rejected);
    }

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

}
