package io.conveyor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.config.Environment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code conveyor report} on the outbox of a real local run: a job that succeeded and one that failed. */
class ReportCommandTest {

    @TempDir
    Path dir;
    Path outbox;

    record Run(int exit, String out, String err) {
    }

    private Run conveyor(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Conveyor.run(List.of(args), Environment.of(Map.of()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void aLocalRun() throws IOException {
        Files.createDirectories(dir.resolve("algorithms"));
        Files.writeString(dir.resolve("algorithms/counts.json"), JobCommandsLocalTest.COUNTS);
        Files.writeString(dir.resolve("algorithms/fails.json"), JobCommandsLocalTest.FAILS);
        Files.createDirectories(dir.resolve("inbox/counts"));
        Files.createDirectories(dir.resolve("inbox/fails"));
        Files.writeString(dir.resolve("inbox/counts/a.txt"), "hello");
        Files.writeString(dir.resolve("inbox/fails/b.txt"), "hello");
        outbox = dir.resolve("outbox");
        Run local = conveyor("local", "--once", "--stable", "0", "--inbox", dir.resolve("inbox").toString(), "--outbox",
                outbox.toString(), "--algorithms", dir.resolve("algorithms").toString());
        assertThat(local.exit()).as(local.err()).isEqualTo(1);
    }

    @Test
    void report_localOutbox_writesThePageAndTheTrace() throws IOException {
        // Given
        Path page = dir.resolve("out/report.html");
        Path trace = dir.resolve("out/trace.tsv");

        // When
        Run html = conveyor("report", "--outbox", outbox.toString(), "-o", page.toString());
        Run tsv = conveyor("report", "--outbox", outbox.toString(), "--output", trace.toString(), "--algorithm", "fails");

        // Then
        assertThat(html.exit()).as(html.err()).isZero();
        assertThat(html.out()).contains("wrote " + page, "2 jobs, 2 attempts");
        assertThat(Files.readString(page)).contains("<td data-state=\"SUCCEEDED\">1</td>", "<td data-state=\"FAILED\">1</td>",
                "conveyor logs job-", "No price is known");
        assertThat(tsv.exit()).as(tsv.err()).isZero();
        List<String> lines = Files.readAllLines(trace);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains("\tfails\t1\tslot 1\tFAILED\t").contains("\t3\t");
        assertThat(dir.resolve("out")).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void report_badOptions_areUsageErrorsNamingTheOption() {
        // When
        Run extension = conveyor("report", "--outbox", outbox.toString(), "-o", dir.resolve("r.pdf").toString());
        Run limit = conveyor("report", "--outbox", outbox.toString(), "--limit", "0");
        Run price = conveyor("report", "--outbox", outbox.toString(), "--price-per-hour", "-1");
        Run since = conveyor("report", "--outbox", outbox.toString(), "--since", "last week");

        // Then
        assertThat(extension.exit()).isEqualTo(2);
        assertThat(extension.err()).contains("-o/--output", "r.pdf", ".html", ".tsv");
        assertThat(limit.err()).contains("--limit");
        assertThat(price.err()).contains("--price-per-hour");
        assertThat(since.err()).contains("--since");
        assertThat(dir.resolve("r.pdf")).doesNotExist();
    }

    @Test
    void report_localOutboxWithAPrice_attributesTheMachinesCostToTheJobs() throws IOException {
        // Given
        Path trace = dir.resolve("priced.tsv");
        Path page = dir.resolve("priced.html");

        // When
        Run tsv = conveyor("report", "--outbox", outbox.toString(), "-o", trace.toString(), "--price-per-hour", "3600");
        Run html = conveyor("report", "--outbox", outbox.toString(), "-o", page.toString(), "--price-per-hour", "3600");
        Run prices = conveyor("report", "--outbox", outbox.toString(), "--prices", dir.resolve("p.tsv").toString());

        // Then: at $1 a second, each job's cost is positive and none exceeds the machine's
        assertThat(tsv.exit()).as(tsv.err()).isZero();
        List<java.math.BigDecimal> costs = Files.readAllLines(trace).stream().skip(1)
                .map(line -> new java.math.BigDecimal(line.split("\t", -1)[13])).toList();
        assertThat(costs).hasSize(2).allSatisfy(cost -> assertThat(cost).isPositive());
        assertThat(Files.readString(page)).contains("data-total=\"instance-cost\">$", "--price-per-hour 3600 for this machine")
                .doesNotContain("No price is known");
        assertThat(prices.exit()).isEqualTo(2);
        assertThat(prices.err()).contains("--prices", "--price-per-hour");
    }
}
