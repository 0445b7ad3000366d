package io.conveyor.cli.report;

import static io.conveyor.testing.FinishedJobs.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.testing.Chromium;
import io.conveyor.testing.FinishedJobs;
import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTML report in a real browser (headless Chromium): the DOM it builds has one bar per attempt and the
 * records' totals, its script filters by algorithm, a hostile input name stays text, and it draws.
 */
class ReportBrowserIT {

    static final Path DIR = Path.of("target", "report-browser");
    static List<JobRecord> jobs;
    static RunReport report;
    static String url;

    @BeforeAll
    static void write() throws Exception {
        jobs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            jobs.add(FinishedJobs.local("/in/count/" + i + ".txt", "count", T0.plusSeconds(i), T0.plusSeconds(i + 2),
                    Duration.ofSeconds(5 + i % 7), i % 9 != 0));
        }
        for (int i = 0; i < 5; i++) {
            jobs.add(FinishedJobs.retriedOnAws("s3://in/inputs/sort/" + i + ".csv", "sort", T0.plusSeconds(3 * i),
                    "Host EC2 (instance i-0abc) stopped/terminated"));
        }
        jobs.add(FinishedJobs.local("/in/<img src=x onerror=alert(1)>.txt", "count", T0, T0.plusSeconds(1),
                Duration.ofSeconds(2), false));
        report = RunReport.of("browser test", jobs, T0.plusSeconds(900), null);
        Files.createDirectories(DIR);
        Path page = DIR.resolve("report.html").toAbsolutePath();
        Files.writeString(page, HtmlReport.render(report));
        url = page.toUri().toString();
    }

    @Test
    void dom_report_oneBarPerAttemptAndTheRecordsTotals() throws Exception {
        // When
        String dom = Chromium.find().dumpDom(url);

        // Then
        long attempts = jobs.stream().mapToLong(job -> job.tasks().isEmpty() ? 1 : job.tasks().size()).sum();
        assertThat(count(dom, "<g class=\"attempt[^\"]*\"")).isEqualTo(attempts).isEqualTo(report.bars().size());
        for (JobState state : JobState.values()) {
            long expected = jobs.stream().filter(job -> job.state() == state).count();
            assertThat(dom).contains("<td data-state=\"" + state + "\">" + expected + "</td>");
        }
        assertThat(dom).contains("<span data-total=\"jobs\">" + jobs.size() + "</span>");
        assertThat(count(dom, "<img")).as("the hostile name made no element").isZero();
        assertThat(count(dom, "<script")).isEqualTo(1);
    }

    @Test
    void dom_linkNamingAnAlgorithm_dimsTheOthersBars() throws Exception {
        // When
        String dom = Chromium.find().dumpDom(url + "#algorithm=sort");

        // Then
        long countBars = report.bars().stream().filter(bar -> bar.algorithm().equals("count")).count();
        assertThat(count(dom, "<g class=\"attempt dim\"[^>]*data-algorithm=\"count\"")).isEqualTo(countBars);
        assertThat(count(dom, "<g class=\"attempt dim\"[^>]*data-algorithm=\"sort\"")).isZero();
        assertThat(count(dom, "<g class=\"attempt\"[^>]*data-algorithm=\"sort\"")).isEqualTo(10);
    }

    @Test
    void screenshot_report_drawsAPageOfTheAskedSize() throws Exception {
        // Given
        Path png = DIR.resolve("report.png").toAbsolutePath();
        Files.deleteIfExists(png);

        // When
        Chromium.find().screenshot(url, png, 1280, 1600);

        // Then: a PNG of that size with more than a blank page's bytes
        try (InputStream in = Files.newInputStream(png); DataInputStream data = new DataInputStream(in)) {
            byte[] signature = data.readNBytes(8);
            assertThat(signature).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
            data.readInt();
            assertThat(new String(data.readNBytes(4), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("IHDR");
            assertThat(data.readInt()).isEqualTo(1280);
            assertThat(data.readInt()).isEqualTo(1600);
        }
        assertThat(Files.size(png)).isGreaterThan(20_000);
    }

    private static long count(String text, String regex) {
        return Pattern.compile(regex).matcher(text).results().count();
    }
}
