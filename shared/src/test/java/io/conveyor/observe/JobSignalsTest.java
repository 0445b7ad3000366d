package io.conveyor.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.cost.AttemptCost;
import io.conveyor.cost.Prices;
import io.conveyor.jobs.AttemptPlacement;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.JobUpdates;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.TaskRun;
import io.conveyor.json.Json;
import io.conveyor.testing.InMemoryJobStore;
import io.conveyor.testing.MutableClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Each written transition → which metrics and which job event, through the real lifecycle and {@link JobUpdates}:
 * the one place they are derived.
 */
class JobSignalsTest {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    static final NewJob JOB = NewJob.of(new NewJob.JobInput("s3://in-bucket/inputs/wc/a.txt", "v1"),
            new NewJob.AlgorithmRevision("wc", "r1", 2));

    final InMemoryJobStore store = new InMemoryJobStore();
    final List<String> lines = new ArrayList<>();
    final List<JobStateEvent> events = new ArrayList<>();
    final MutableClock clock = new MutableClock(T0);

    JobUpdates updates(JobEventScope scope) {
        return new JobUpdates(store, clock, new JobSignals("prod", lines::add, events::add, scope));
    }

    @Test
    void written_admissionStartRunAndSuccess_countsEachStepOnce() {
        // Given a job admitted at T0, started at +30 s, running at +90 s (ECS's startedAt +80 s)
        JobUpdates updates = updates(JobEventScope.TERMINAL);
        updates.create(JOB, List.of());
        clock.at(T0.plusSeconds(30));
        updates.apply(JOB.id(), new JobEvent.StartRequested("ci-1"));
        clock.at(T0.plusSeconds(90));
        updates.apply(JOB.id(), JobEvent.TaskRunning.onEcs(task(2, T0.plusSeconds(80), null)));

        // When the task stops at +200 s and the job succeeds at +210 s
        clock.at(T0.plusSeconds(210));
        updates.apply(JOB.id(), new JobEvent.AttemptEnded(1, new JobEvent.Succeeded(), task(3, T0.plusSeconds(80),
                T0.plusSeconds(200)), null, List.of()));

        // Then: admitted; started after 80 s of waiting; ran 120 s; succeeded; one terminal event
        assertThat(metrics()).containsExactly(
                Map.of("JobsAdmitted", 1.0),
                Map.of("JobsStarted", 1.0, "WaitingSeconds", 80.0),
                Map.of("RunSeconds", 120.0, "JobsSucceeded", 1.0));
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(event.previousState()).isEqualTo(JobState.RUNNING);
            assertThat(event.attempt()).isEqualTo(1);
            assertThat(event.input()).isEqualTo(new JobStateEvent.Input("in-bucket", "inputs/wc/a.txt"));
            assertThat(event.updatedAt()).isEqualTo(T0.plusSeconds(210).toString());
        });
    }

    @Test
    void written_replayedEnd_emitsNothingTwice() {
        // Given a job that succeeded, signals recorded
        JobUpdates updates = updates(JobEventScope.ALL);
        updates.create(JOB, List.of());
        updates.apply(JOB.id(), new JobEvent.StartRequested("ci-1"));
        JobEvent.AttemptEnded ended = new JobEvent.AttemptEnded(1, new JobEvent.Succeeded(),
                task(3, T0, T0.plusSeconds(5)), null, List.of());
        updates.apply(JOB.id(), ended);
        int linesBefore = lines.size();
        int eventsBefore = events.size();

        // When the same end is delivered again, and a late RUNNING too
        updates.apply(JOB.id(), ended);
        updates.apply(JOB.id(), JobEvent.TaskRunning.onEcs(task(2, T0, null)));

        // Then nothing more is emitted
        assertThat(lines).hasSize(linesBefore);
        assertThat(events).hasSize(eventsBefore);
    }

    @Test
    void written_pricedAttemptEnds_costJoinsTheEndsMetricsOnceAndUnpricedHasNone() throws Exception {
        // Given signals that price attempts at $3.60 an hour, and a job placed on half an instance
        JobUpdates updates = new JobUpdates(store, clock, new JobSignals("prod", lines::add, events::add,
                JobEventScope.TERMINAL).withCost(new AttemptCost(Prices.fixed(new BigDecimal("3.60"), "test"))));
        updates.create(JOB, List.of());
        updates.apply(JOB.id(), new JobEvent.StartRequested("ci-1",
                new AttemptPlacement(0, "i-1", "m6i.large", Prices.ON_DEMAND, 0.5)));
        JobEvent.AttemptEnded ended = new JobEvent.AttemptEnded(1, new JobEvent.Succeeded(),
                task(3, T0, T0.plusSeconds(100)), null, List.of());

        // When it ends after 100 s, and the end is delivered twice
        updates.apply(JOB.id(), ended);
        updates.apply(JOB.id(), ended);

        // Then the end's one line carries CostUsd = 3.60 × 0.5 × 100/3600 = 0.05, unit None
        assertThat(metrics()).containsExactly(Map.of("JobsAdmitted", 1.0),
                Map.of("JobsStarted", 1.0, "WaitingSeconds", 0.0, "RunSeconds", 100.0, "JobsSucceeded", 1.0,
                        "CostUsd", 0.05));
        assertThat(Json.mapper().readTree(lines.get(1)).at("/_aws/CloudWatchMetrics/0/Metrics").toString())
                .contains("{\"Name\":\"CostUsd\",\"Unit\":\"None\"}");
    }

    @Test
    void written_exitCodeWithRetriesLeft_countsARetryAndNoFailure() {
        // Given a running job with a retry left
        JobUpdates updates = updates(JobEventScope.TERMINAL);
        updates.create(JOB, List.of());
        updates.apply(JOB.id(), new JobEvent.StartRequested("ci-1"));
        updates.apply(JOB.id(), JobEvent.TaskRunning.onEcs(task(2, T0, null)));
        lines.clear();

        // When its attempt exits 3
        clock.at(T0.plusSeconds(50));
        updates.apply(JOB.id(), JobEvent.AttemptEnded.of(1, new JobEvent.ExitCode(3, null, null)));

        // Then the run is measured and a retry counted; nothing terminal, so no event
        assertThat(metrics()).containsExactly(Map.of("RunSeconds", 50.0, "JobsRetried", 1.0));
        assertThat(events).isEmpty();
    }

    @Test
    void written_refusedStart_countsNothing() {
        // Given a starting job
        JobUpdates updates = updates(JobEventScope.ALL);
        updates.create(JOB, List.of());
        updates.apply(JOB.id(), new JobEvent.StartRequested("ci-1"));
        lines.clear();
        events.clear();

        // When ECS refuses its start for now
        updates.apply(JOB.id(), new JobEvent.StartRefused("no room", true));

        // Then nothing ran: no start, no retry; with all, the move back to QUEUED is an event
        assertThat(lines).isEmpty();
        assertThat(events).singleElement().extracting(JobStateEvent::state, JobStateEvent::previousState)
                .containsExactly(JobState.QUEUED, JobState.STARTING);
    }

    @Test
    void written_rejectedAtAdmission_countsAdmittedAndFailedAndPublishesTheCreation() {
        // When a job is created rejected
        updates(JobEventScope.TERMINAL).create(JOB, List.of(new JobEvent.Rejected("no such parameter")));

        // Then it is admitted and failed, and its event has no previous state
        assertThat(metrics()).containsExactly(Map.of("JobsAdmitted", 1.0, "JobsFailed", 1.0));
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.state()).isEqualTo(JobState.FAILED);
            assertThat(event.previousState()).isNull();
            assertThat(event.reason()).contains("no such parameter");
        });
    }

    @Test
    void written_scopeAll_publishesEveryStateChangeButNotSameStateWrites() {
        // Given every change published
        JobUpdates updates = updates(JobEventScope.ALL);

        // When a job is admitted, waits, is seen waiting 10 minutes later, then is cancelled
        updates.create(JOB, List.of());
        updates.apply(JOB.id(), new JobEvent.WaitingForCapacity("the cap"));
        clock.at(T0.plus(Duration.ofMinutes(11)));
        updates.apply(JOB.id(), new JobEvent.WaitingForCapacity("the cap"));
        updates.apply(JOB.id(), new JobEvent.CancelRequested("by ann"));

        // Then three state changes are events (the waitingSeenAt write is none), and the cancel is counted
        assertThat(events).extracting(JobStateEvent::state).containsExactly(JobState.QUEUED,
                JobState.WAITING_FOR_CAPACITY, JobState.CANCELLED);
        assertThat(metrics()).containsExactly(Map.of("JobsAdmitted", 1.0), Map.of("JobsCancelled", 1.0));
    }

    @Test
    void written_publishFails_recordStandsAndTheFailureIsCounted() {
        // Given a bus that refuses everything
        JobSignals signals = new JobSignals("prod", lines::add, event -> {
            throw new IllegalStateException("throttled");
        }, JobEventScope.TERMINAL);
        JobUpdates updates = new JobUpdates(store, clock, signals);

        // When a job is rejected at admission
        updates.create(JOB, List.of(new JobEvent.Rejected("bad")));

        // Then the record is written, the failure counted and a metric says so
        assertThat(store.get(JOB.id()).orElseThrow().state()).isEqualTo(JobState.FAILED);
        assertThat(signals.unpublished()).isEqualTo(1);
        assertThat(metrics()).contains(Map.of("JobEventsUnpublished", 1.0));
    }

    @Test
    void written_metricLine_isEmfWithStackAndAlgorithmDimensions() throws Exception {
        // When a job is admitted
        updates(JobEventScope.TERMINAL).create(JOB, List.of());

        // Then the line is EMF: namespace Conveyor, dimension sets [stack] and [stack, algorithm], units
        JsonNode line = Json.mapper().readTree(lines.get(0));
        JsonNode directive = line.at("/_aws/CloudWatchMetrics/0");
        assertThat(line.at("/_aws/Timestamp").asLong()).isEqualTo(T0.toEpochMilli());
        assertThat(directive.get("Namespace").asText()).isEqualTo("Conveyor");
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"stack\"],[\"stack\",\"algorithm\"]]");
        assertThat(directive.get("Metrics").toString()).isEqualTo("[{\"Name\":\"JobsAdmitted\",\"Unit\":\"Count\"}]");
        assertThat(line.get("stack").asText()).isEqualTo("prod");
        assertThat(line.get("algorithm").asText()).isEqualTo("wc");
        assertThat(line.get("jobId").asText()).isEqualTo(JOB.id());
        assertThat(line.get("JobsAdmitted").asLong()).isEqualTo(1);
    }

    @Test
    void json_event_hasTheContractsFields() throws Exception {
        // Given an event of a failed job
        updates(JobEventScope.TERMINAL).create(JOB, List.of(new JobEvent.Rejected("bad")));

        // When it is written as JSON
        JsonNode detail = Json.mapper().readTree(events.get(0).json());

        // Then it carries the contract's names
        assertThat(detail.get("stack").asText()).isEqualTo("prod");
        assertThat(detail.get("jobId").asText()).isEqualTo(JOB.id());
        assertThat(detail.get("algorithm").asText()).isEqualTo("wc");
        assertThat(detail.get("state").asText()).isEqualTo("FAILED");
        assertThat(detail.has("previousState")).isFalse();
        assertThat(detail.get("attempt").asInt()).isZero();
        assertThat(detail.at("/input/bucket").asText()).isEqualTo("in-bucket");
        assertThat(detail.at("/input/key").asText()).isEqualTo("inputs/wc/a.txt");
        assertThat(detail.get("updatedAt").asText()).isEqualTo(T0.toString());
    }

    @Test
    void parse_unknownScope_namesTheVariable() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobEventScope.parse("some"))
                .hasMessage("JOB_EVENTS must be terminal or all, was 'some'");
        assertThat(JobEventScope.parse(" ALL ")).isEqualTo(JobEventScope.ALL);
    }

    /** Each metric line's values by name, in order. */
    List<Map<String, Double>> metrics() {
        List<Map<String, Double>> all = new ArrayList<>();
        for (String line : lines) {
            try {
                JsonNode node = Json.mapper().readTree(line);
                Map<String, Double> values = new TreeMap<>();
                node.at("/_aws/CloudWatchMetrics/0/Metrics").forEach(m -> values.put(m.get("Name").asText(),
                        node.get(m.get("Name").asText()).asDouble()));
                all.add(values);
            } catch (Exception e) {
                throw new AssertionError(line, e);
            }
        }
        return all;
    }

    static TaskRun task(long version, Instant started, Instant stopped) {
        return new TaskRun(1, "arn:aws:ecs:us-east-1:1:task/c/t1", version, stopped == null ? "RUNNING" : "STOPPED",
                started == null ? null : started.toString(), stopped == null ? null : stopped.toString(),
                stopped == null ? Map.of() : Map.of("algorithm", 0), null, null);
    }
}
