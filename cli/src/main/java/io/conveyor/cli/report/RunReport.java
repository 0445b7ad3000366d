package io.conveyor.cli.report;

import io.conveyor.cost.CostReport;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.TaskRun;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a run report shows, taken from job records alone: every attempt with known times as a bar on a
 * lane (its instance where the record names one, else the first free slot), jobs by state, per-algorithm
 * durations, retries with their reasons, and failures with where their logs are.
 *
 * @param target    where the records came from ({@code stack conveyor (eu-west-1)}, {@code outbox ./outbox})
 * @param generated when the report was made (a running attempt's bar ends here)
 * @param jobs      the records reported, newest first
 * @param bars      one per attempt with a known start, by start
 * @param byState   jobs per state, every state present (0 where none)
 * @param algorithms per algorithm, by name
 * @param retries   each attempt that was followed by another, with its reason
 * @param failures  the jobs that failed, newest first
 * @param cost      what the run cost, or {@code null} where no price is known
 */
public record RunReport(String target, Instant generated, List<JobRecord> jobs, List<Bar> bars,
                        Map<JobState, Integer> byState, List<AlgorithmStats> algorithms, List<Retry> retries,
                        List<Failure> failures, Costs cost) {

    /** What a phase of an attempt was doing. */
    public enum Phase { WAITING, RUN }

    /** One attempt on the timeline: its phases end to end, and how it ended. */
    public record Bar(String jobId, String algorithm, int attempt, String lane, String outcome, Instant queued,
                      Instant start, Instant end) {

        public Duration waiting() {
            return queued == null || queued.isAfter(start) ? Duration.ZERO : Duration.between(queued, start);
        }

        public Duration run() {
            return Duration.between(start, end);
        }
    }

    /** An algorithm's jobs: how many ended how, and how long its finished attempts ran. */
    public record AlgorithmStats(String name, int jobs, int succeeded, int failed, int attempts, int retries,
                                 List<Duration> runs) {

        /** The {@code q}-quantile of the runs (nearest rank), or {@code null} when there are none. */
        public Duration quantile(double q) {
            if (runs.isEmpty()) {
                return null;
            }
            int rank = (int) Math.ceil(q * runs.size());
            return runs.get(Math.max(0, Math.min(runs.size() - 1, rank - 1)));
        }
    }

    /** An attempt that another followed, and why it did not do. */
    public record Retry(String jobId, String algorithm, int attempt, String reason) {
    }

    /** A batch of a pipeline: how many of its jobs (of every step) ended how. */
    public record BatchStats(String pipeline, String batch, int jobs, int succeeded, int failed, int other) {
    }

    /** A failed job: why, and where its containers' logs are. */
    public record Failure(String jobId, String algorithm, String input, String reason, Integer exitCode,
                          List<String> logStreams) {
    }

    /**
     * What the run cost ({@link CostReport}: the instances' cost, the part attributed to attempts, the rest shown
     * as overhead per algorithm), and the instance each attempt ran on ({@link #key}), for the timeline's lanes.
     */
    public record Costs(CostReport report, Map<String, String> laneByAttempt) {
        public Costs {
            Objects.requireNonNull(report, "report");
            laneByAttempt = Map.copyOf(laneByAttempt);
        }
    }

    /** The report of these records, as of {@code now}; {@code cost} may be {@code null}. */
    public static RunReport of(String target, List<JobRecord> records, Instant now, Costs cost) {
        Objects.requireNonNull(now, "now");
        List<JobRecord> jobs = records.stream()
                .sorted(Comparator.comparing((JobRecord job) -> Objects.toString(job.queuedAt(), "")).reversed()
                        .thenComparing(JobRecord::id))
                .toList();
        List<Bar> bars = new ArrayList<>();
        List<Retry> retries = new ArrayList<>();
        for (JobRecord job : jobs) {
            attempts(job, now, retries, bars, cost == null ? Map.of() : cost.laneByAttempt());
        }
        bars.sort(Comparator.comparing(Bar::start).thenComparing(Bar::jobId).thenComparingInt(Bar::attempt));
        Map<JobState, Integer> byState = new EnumMap<>(JobState.class);
        for (JobState state : JobState.values()) {
            byState.put(state, 0);
        }
        jobs.forEach(job -> byState.merge(job.state(), 1, Integer::sum));
        List<Failure> failures = jobs.stream().filter(job -> job.state() == JobState.FAILED)
                .map(job -> new Failure(job.id(), job.algorithm(), job.input(), job.reason(), job.exitCode(),
                        job.task(job.attempt()).map(run -> List.copyOf(run.logStreams().values())).orElse(List.of())))
                .toList();
        return new RunReport(target, now, jobs, List.copyOf(slotted(bars)), byState, algorithms(jobs, bars, retries),
                List.copyOf(retries), failures, cost);
    }

    /** The attempts of one job with a known start: from its ECS tasks on AWS, from the record itself locally. */
    private static void attempts(JobRecord job, Instant now, List<Retry> retries, List<Bar> bars,
                                 Map<String, String> lanes) {
        Instant queued = instant(job.queuedAt());
        if (!job.tasks().isEmpty()) {
            Instant previousEnd = queued;
            for (TaskRun run : job.tasks()) {
                boolean last = run.attempt() == job.attempt();
                Instant start = instant(run.startedAt());
                if (!last) {
                    retries.add(new Retry(job.id(), job.algorithm(), run.attempt(), taskReason(run)));
                }
                if (start == null) {
                    continue;
                }
                Instant end = instant(run.stoppedAt());
                if (end == null) {
                    end = "STOPPED".equals(run.lastStatus()) ? start : now;
                }
                bars.add(new Bar(job.id(), job.algorithm(), run.attempt(), lanes.get(key(job.id(), run.attempt())),
                        last ? job.state().name() : "RETRIED", previousEnd, start, later(start, end)));
                previousEnd = end;
            }
            return;
        }
        for (int earlier = 1; earlier < job.attempt(); earlier++) {
            retries.add(new Retry(job.id(), job.algorithm(), earlier, "not kept locally (the record keeps the last attempt)"));
        }
        Instant start = instant(job.startedAt());
        if (start != null) {
            Instant end = instant(job.endedAt());
            bars.add(new Bar(job.id(), job.algorithm(), job.attempt(), lanes.get(key(job.id(), job.attempt())),
                    job.state().name(), job.attempt() <= 1 ? queued : null, start,
                    later(start, end == null ? now : end)));
        }
    }

    /** The key of an attempt in {@link Costs#laneByAttempt()}. */
    public static String key(String jobId, int attempt) {
        return jobId + "#" + attempt;
    }

    private static String taskReason(TaskRun run) {
        List<String> parts = new ArrayList<>();
        if (run.stoppedReason() != null && !run.stoppedReason().isBlank()) {
            parts.add(run.stoppedReason());
        }
        run.exitCodes().forEach((container, code) -> {
            if (code != 0) {
                parts.add(container + " exited " + code);
            }
        });
        return parts.isEmpty() ? "stopped (no reason given)" : String.join("; ", parts);
    }

    /** Bars without a lane get the first slot free at their start; the others keep their instance. */
    private static List<Bar> slotted(List<Bar> bars) {
        List<Instant> slotFreeAt = new ArrayList<>();
        List<Bar> placed = new ArrayList<>(bars.size());
        for (Bar bar : bars) {
            if (bar.lane() != null) {
                placed.add(bar);
                continue;
            }
            int slot = 0;
            while (slot < slotFreeAt.size() && slotFreeAt.get(slot).isAfter(bar.start())) {
                slot++;
            }
            if (slot == slotFreeAt.size()) {
                slotFreeAt.add(bar.end());
            } else {
                slotFreeAt.set(slot, bar.end());
            }
            placed.add(new Bar(bar.jobId(), bar.algorithm(), bar.attempt(), "slot " + (slot + 1), bar.outcome(),
                    bar.queued(), bar.start(), bar.end()));
        }
        return placed;
    }

    private static List<AlgorithmStats> algorithms(List<JobRecord> jobs, List<Bar> bars, List<Retry> retries) {
        Map<String, List<JobRecord>> byName = group(jobs, JobRecord::algorithm);
        Map<String, List<Bar>> barsByName = group(bars, Bar::algorithm);
        Map<String, List<Retry>> retriesByName = group(retries, Retry::algorithm);
        List<AlgorithmStats> stats = new ArrayList<>();
        byName.forEach((name, ofIt) -> {
            List<Duration> runs = barsByName.getOrDefault(name, List.of()).stream()
                    .filter(bar -> !"RUNNING".equals(bar.outcome()) && !"STARTING".equals(bar.outcome()))
                    .map(Bar::run).sorted().toList();
            stats.add(new AlgorithmStats(name, ofIt.size(),
                    (int) ofIt.stream().filter(job -> job.state() == JobState.SUCCEEDED).count(),
                    (int) ofIt.stream().filter(job -> job.state() == JobState.FAILED).count(),
                    ofIt.stream().mapToInt(JobRecord::attempt).sum(),
                    retriesByName.getOrDefault(name, List.of()).size(), runs));
        });
        return List.copyOf(stats);
    }

    private static <T> Map<String, List<T>> group(List<T> items, Function<T, String> by) {
        Map<String, List<T>> groups = new TreeMap<>();
        for (T item : items) {
            groups.computeIfAbsent(by.apply(item), name -> new ArrayList<>()).add(item);
        }
        return groups;
    }

    /** Per pipeline and batch, in order of name, the jobs that ran in one; empty when none did. */
    public List<BatchStats> batches() {
        Map<List<String>, List<JobRecord>> byBatch = new TreeMap<>(Comparator.comparing((List<String> key) -> key.get(0))
                .thenComparing(key -> key.get(1)));
        for (JobRecord job : jobs) {
            if (job.pipeline() != null) {
                byBatch.computeIfAbsent(List.of(job.pipeline().pipeline(), job.pipeline().batch()),
                        key -> new ArrayList<>()).add(job);
            }
        }
        List<BatchStats> stats = new ArrayList<>();
        byBatch.forEach((key, ofIt) -> {
            int succeeded = (int) ofIt.stream().filter(job -> job.state() == JobState.SUCCEEDED).count();
            int failed = (int) ofIt.stream().filter(job -> job.state() == JobState.FAILED).count();
            stats.add(new BatchStats(key.get(0), key.get(1), ofIt.size(), succeeded, failed,
                    ofIt.size() - succeeded - failed));
        });
        return List.copyOf(stats);
    }

    /** The retry reasons, most frequent first. */
    public Map<String, Integer> retryReasons() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        retries.stream().collect(java.util.stream.Collectors.groupingBy(Retry::reason, TreeMap::new,
                        java.util.stream.Collectors.counting()))
                .entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(entry -> counts.put(entry.getKey(), entry.getValue().intValue()));
        return counts;
    }

    /** The lanes of the timeline, each with its bars, in order of first use. */
    public Map<String, List<Bar>> lanes() {
        Map<String, List<Bar>> lanes = new LinkedHashMap<>();
        for (Bar bar : bars) {
            lanes.computeIfAbsent(bar.lane(), lane -> new ArrayList<>()).add(bar);
        }
        return lanes;
    }

    private static Instant later(Instant start, Instant end) {
        return end.isBefore(start) ? start : end;
    }

    /** An ISO-8601 time from a record, or {@code null} (absent or unreadable: a bar is left out, not guessed). */
    static Instant instant(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }
}
