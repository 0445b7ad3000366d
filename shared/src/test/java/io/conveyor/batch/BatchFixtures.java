package io.conveyor.batch;

import io.conveyor.batch.BatchEvent.FileArrived;
import io.conveyor.batch.BatchEvent.Member;
import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.BatchRule.Completion;
import io.conveyor.pipeline.BatchRule.MemberFailure;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.Step;
import io.conveyor.pipeline.StepInput;
import io.conveyor.storage.Digests;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A pipeline that counts each file of a batch then sums the counts once the batch is complete, and its events. */
final class BatchFixtures {

    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    static final Duration DEADLINE = Duration.ofHours(1);
    static final String BATCH = "2026-11-29";

    private BatchFixtures() {
    }

    static Pipeline pipeline(Completion completion, MemberFailure onFailure) {
        return new Pipeline("counts", "rev-1", null, List.of(
                new Step("count", "wc", new StepInput.BatchFiles(), null, null),
                new Step("sum", "sum", new StepInput.GatherOf("count"), null, Map.of("mode", "total"))),
                new BatchRule(completion, completion == Completion.QUIET ? Duration.ofMinutes(5) : null, DEADLINE,
                        onFailure));
    }

    static BatchRecord open(Pipeline pipeline) {
        return BatchRecord.open(pipeline.name(), BATCH, pipeline.revision());
    }

    static String content(String name) {
        return "content of " + name + "\n";
    }

    static String sha(String name) {
        return Digests.sha256(content(name).getBytes(StandardCharsets.UTF_8));
    }

    static String countJob(String name) {
        return "job-count-" + name;
    }

    /** A file arriving {@code seconds} after T0, becoming one job of the step {@code count}. */
    static FileArrived file(String name, int seconds) {
        return new FileArrived(new BatchFile(name, "v1", content(name).length(), sha(name), T0.plusSeconds(seconds).toString()),
                List.of(new Member("count", countJob(name))));
    }

    static BatchEvent.ManifestArrived manifest(int seconds, String... names) {
        String files = java.util.Arrays.stream(names)
                .map(n -> "{\"name\":\"" + n + "\",\"size\":" + content(n).length() + ",\"sha256\":\"" + sha(n) + "\"}")
                .collect(Collectors.joining(","));
        return new BatchEvent.ManifestArrived("m1", "{\"files\":[" + files + "]}", T0.plusSeconds(seconds));
    }

    static BatchEvent.MemberEnded succeeded(String name, int seconds) {
        return new BatchEvent.MemberEnded(new Member("count", countJob(name)), BatchMember.End.SUCCEEDED, null,
                T0.plusSeconds(seconds), List.of());
    }

    static BatchEvent.MemberEnded failed(String name, int seconds, String reason) {
        return new BatchEvent.MemberEnded(new Member("count", countJob(name)), BatchMember.End.FAILED, reason,
                T0.plusSeconds(seconds), List.of());
    }

    /** Applies events one at a time, each at {@code now}, collecting every decision. */
    static Run run(BatchRecord start, Pipeline pipeline, List<BatchEvent> events, Instant now) {
        BatchRecord record = start;
        List<BatchDecision> decisions = new ArrayList<>();
        for (BatchEvent event : events) {
            BatchChange change = BatchLifecycle.apply(record, event, pipeline, now);
            record = change.after();
            decisions.addAll(change.decisions());
        }
        return new Run(record, decisions);
    }

    record Run(BatchRecord record, List<BatchDecision> decisions) {
        <T extends BatchDecision> List<T> all(Class<T> type) {
            return decisions.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }
}
