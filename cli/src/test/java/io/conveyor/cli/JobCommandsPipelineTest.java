package io.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.config.Environment;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobLifecycle;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.json.Json;
import io.conveyor.local.FileJobStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job commands on a local outbox holding jobs of pipelines beside a job outside them: the filters by pipeline
 * and batch, the PIPELINE/BATCH/STEP columns, a job's place in {@code show}, the report's counts per batch.
 */
class JobCommandsPipelineTest {

    static final Instant T0 = Instant.parse("2026-11-29T08:00:00Z");

    @TempDir
    Path dir;
    Path outbox;

    record Run(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return Json.mapper().readTree(out);
        }
    }

    private Run onOutbox(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--outbox");
        all.add(outbox.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Conveyor.run(all, Environment.of(Map.of()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private JobRecord job(FileJobStore store, String file, PipelinePlace place, int second, boolean rejected) {
        NewJob job = NewJob.of(new NewJob.JobInput(outbox.resolveSibling("inbox").resolve(file).toString(),
                "sha256:" + file.hashCode()), new NewJob.AlgorithmRevision("tag", "rev", 1)).withPlace(place);
        JobRecord record = JobLifecycle.admit(job, rejected ? List.of(new JobEvent.Rejected("no room"))
                : List.of(), T0.plusSeconds(second)).after();
        assertThat(store.create(record)).isTrue();
        return record;
    }

    JobRecord fanB1;
    JobRecord fanB2;
    JobRecord twoB1;
    JobRecord plain;

    @BeforeEach
    void anOutboxWithJobsOfTwoPipelinesAndOneOutside() throws IOException {
        outbox = dir.resolve("outbox");
        Files.createDirectories(outbox.resolve("jobs"));
        FileJobStore store = new FileJobStore(outbox.resolve("jobs"));
        fanB1 = job(store, "fan/b1/a.txt", new PipelinePlace("fan", "prev", "b1", "tag",
                Map.of("K", "1", "NOTE", "line\nbreak\u001b[31m")), 1, false);
        fanB2 = job(store, "fan/<b2>/a.txt", new PipelinePlace("fan", "prev", "<b2>", "tag", Map.of("K", "1")), 2, true);
        twoB1 = job(store, "two/b1/a.txt", new PipelinePlace("two", "prev", "b1", "up", null), 3, false);
        plain = job(store, "tag/c.txt", null, 4, false);
    }

    @Test
    void jobs_pipelineAndBatchFilters_listOnlyThoseJobsWithTheirPlace() throws IOException {
        // When
        Run fan = onOutbox("jobs", "--pipeline", "fan", "-o", "json");
        Run b1 = onOutbox("jobs", "--batch", "b1", "-o", "json");
        Run both = onOutbox("jobs", "--pipeline", "fan", "--batch", "b1", "-o", "json");
        Run none = onOutbox("jobs", "--pipeline", "nope");

        // Then
        assertThat(fan.json()).extracting(node -> node.path("id").asText()).containsExactly(fanB2.id(), fanB1.id());
        assertThat(b1.json()).extracting(node -> node.path("pipeline").asText()).containsExactly("two", "fan");
        assertThat(both.json()).singleElement().satisfies(node -> {
            assertThat(node.path("id").asText()).isEqualTo(fanB1.id());
            assertThat(node.path("batch").asText()).isEqualTo("b1");
            assertThat(node.path("step").asText()).isEqualTo("tag");
        });
        assertThat(none.exit()).isZero();
        assertThat(none.err()).contains("no jobs match");
    }

    @Test
    void jobs_table_showsPipelineBatchAndStepOnlyWhereAJobHasThem() {
        // When
        Run all = onOutbox("jobs");
        Run outside = onOutbox("jobs", "--input", "tag/");
        Run json = onOutbox("jobs", "--input", "tag/", "-o", "json");

        // Then
        List<String> lines = all.out().lines().toList();
        assertThat(lines.get(0)).matches("JOB +PIPELINE +BATCH +STEP +ALGORITHM +INPUT +STATE.*");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(fanB1.id()).matches(".* fan +b1 +tag +tag .*"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(plain.id()).matches("\\S+ +- +- +- +tag .*"));
        assertThat(outside.out().lines().findFirst()).hasValueSatisfying(header -> assertThat(header)
                .startsWith("JOB").doesNotContain("PIPELINE"));
        assertThat(json.out()).doesNotContain("\"pipeline\"");
    }

    @Test
    void show_pipelineJob_printsItsPlaceAndParametersWithControlCharactersEscaped() {
        // When
        Run show = onOutbox("show", fanB1.id());
        Run plainShow = onOutbox("show", plain.id());

        // Then
        assertThat(show.exit()).isZero();
        assertThat(show.out()).contains("pipeline     fan (revision prev)", "batch        b1", "step         tag",
                "parameter  K=1", "parameter  NOTE=line\\u000abreak\\u001b[31m").doesNotContain("\u001b");
        assertThat(plainShow.out()).doesNotContain("pipeline", "batch ");
    }

    @Test
    void report_jobsOfPipelines_countedPerPipelineAndBatchEscaped() throws IOException {
        // Given
        Path page = dir.resolve("r.html");

        // When
        Run report = onOutbox("report", "-o", page.toString());
        Run onlyTwo = onOutbox("report", "-o", dir.resolve("two.html").toString(), "--pipeline", "two");

        // Then
        assertThat(report.exit()).as(report.err()).isZero();
        String html = Files.readString(page);
        assertThat(html).contains("<h2>Per pipeline and batch</h2>",
                "<tr data-pipeline=\"fan\" data-batch=\"&lt;b2&gt;\"><td>fan</td><td>&lt;b2&gt;</td><td>1</td><td>0</td>"
                        + "<td>1</td><td>0</td></tr>",
                "<tr data-pipeline=\"fan\" data-batch=\"b1\"><td>fan</td><td>b1</td><td>1</td><td>0</td><td>0</td>"
                        + "<td>1</td></tr>",
                "<tr data-pipeline=\"two\" data-batch=\"b1\">").doesNotContain("<b2>");
        assertThat(onlyTwo.out()).contains("1 jobs");
        assertThat(Files.readString(dir.resolve("two.html"))).doesNotContain("data-pipeline=\"fan\"");
    }
}
