package io.conveyor.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fuzz targets in CI: the fixed corpus ({@code src/test/resources/fuzz-corpus/<target>/}, seeds and
 * everything {@code benchmarks/run fuzz} found) replayed one file at a time, then a short seeded run per
 * target. 0 crashes, 0 hangs. {@code -Dconveyor.fuzz.tries=N} runs more.
 */
class FuzzTest {

    private static final Path CORPUS = Path.of("src/test/resources/fuzz-corpus");
    /** Tries per target in CI, beyond the corpus: a few seconds in all. */
    private static final long TRIES = Long.getLong("conveyor.fuzz.tries", 500);
    private static final long SEED = Long.getLong("conveyor.fuzz.seed", 20261129L);

    static Stream<Arguments> corpus() {
        return EventTargets.all().stream().flatMap(target -> Fuzzer.corpusFiles(CORPUS.resolve(target.name())).stream()
                .map(file -> Arguments.of(target.name(), file.getFileName().toString(), target)));
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("corpus")
    void run_corpusInput_isAcceptedOrRejectedTheDocumentedWayInTime(String name, String file, FuzzTarget target)
            throws Exception {
        // Given one corpus file
        byte[] input = java.nio.file.Files.readAllBytes(CORPUS.resolve(name).resolve(file));
        long started = System.nanoTime();

        // When the target parses it
        FuzzTarget.Verdict verdict = target.run(input);

        // Then it was accepted or rejected with its properties holding, well within the hang limit
        assertThat(verdict).isIn(FuzzTarget.Verdict.ACCEPTED, FuzzTarget.Verdict.REJECTED);
        assertThat(System.nanoTime() - started).isLessThan(Fuzzer.HANG.toNanos());
    }

    @Test
    void corpus_everyTarget_hasSeeds() {
        // Then each target's folder holds inputs to replay
        EventTargets.all().forEach(target ->
                assertThat(Fuzzer.corpusFiles(CORPUS.resolve(target.name()))).as(target.name()).hasSizeGreaterThan(5));
    }

    static Stream<Arguments> targets() {
        return EventTargets.all().stream().map(target -> Arguments.of(target.name(), target));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void run_generatedAndMutatedInputs_noCrashNoHang(String name, FuzzTarget target) {
        // Given a seeded run over the target's corpus, written nowhere
        Fuzzer fuzzer = new Fuzzer(target, CORPUS.resolve(target.name()), false);

        // When
        Fuzzer.Report report = fuzzer.run(SEED, TRIES, Long.MAX_VALUE);

        // Then both verdicts were reached, and nothing crashed or hung
        assertThat(report.crashes()).extracting(Fuzzer.Finding::what).isEmpty();
        assertThat(report.hangs()).extracting(Fuzzer.Finding::what).isEmpty();
        assertThat(report.accepted()).isPositive();
        assertThat(report.rejected()).isPositive();
    }
}
