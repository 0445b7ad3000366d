package io.conveyor.fuzz;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code benchmarks/run fuzz [minutes]}: every target for its share of the minutes, outside CI; prints a
 * line per target and each crash or hang, which it also writes to the corpus folder.
 *
 * <p>Arguments: the minutes (default 10), the corpus folder ({@code shared/src/test/resources/fuzz-corpus}),
 * the seed (default: the clock, printed so a run can be repeated).
 */
public final class FuzzMain {

    private FuzzMain() {
    }

    public static void main(String[] args) {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        Path corpus = Path.of(args.length > 1 ? args[1] : "shared/src/test/resources/fuzz-corpus");
        long seed = args.length > 2 ? Long.parseLong(args[2]) : System.currentTimeMillis();
        List<FuzzTarget> targets = EventTargets.all();
        // The validator is slower per input than the event parsers: it gets half the time.
        double[] shares = {0.5, 1.0 / 6, 1.0 / 6, 1.0 / 6};
        System.out.printf("fuzzing %d targets for %.1f minutes, seed %d, corpus %s%n", targets.size(), minutes, seed,
                corpus.toAbsolutePath());
        List<Fuzzer.Report> reports = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            FuzzTarget target = targets.get(i);
            long deadline = System.nanoTime() + (long) (minutes * shares[i] * 60e9);
            Fuzzer.Report report = new Fuzzer(target, corpus.resolve(target.name()), true)
                    .run(seed + i, Long.MAX_VALUE, deadline);
            reports.add(report);
            for (Fuzzer.Finding finding : report.crashes()) {
                System.out.println("  crash in " + target.name() + ": " + finding.what() + " -> " + finding.kept());
            }
            for (Fuzzer.Finding finding : report.hangs()) {
                System.out.println("  hang in " + target.name() + ": " + finding.what() + " -> " + finding.kept());
            }
            System.out.flush();
        }
        System.out.println(Fuzzer.Report.header());
        reports.forEach(report -> System.out.println(report.line()));
        boolean clean = reports.stream().allMatch(report -> report.crashes().isEmpty() && report.hangs().isEmpty());
        System.exit(clean ? 0 : 1);
    }
}
