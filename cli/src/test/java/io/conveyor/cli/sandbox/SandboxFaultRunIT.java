package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The fault-injection run at CI's size (50 jobs; {@code benchmarks/run faults} runs this test with
 * {@code -Dconveyor.faults.jobs=500} and its own seed): under the
 * issue's mix of throttled and failed calls, dropped and duplicated messages, a handler killed
 * mid-batch and an instance killed with tasks on it, every job ends, with a reason when it did not
 * succeed, none is lost and no attempt runs twice.
 */
class SandboxFaultRunIT {

    static final int JOBS = Integer.getInteger("conveyor.faults.jobs", 50);
    static final long SEED = Long.getLong("conveyor.faults.seed", 15);

    @Test
    void faultRun_jobsUnderInjectedFaults_noneLostNoneRunTwice() throws Exception {
        // Given the faults, seeded so that the run can be repeated
        if (!"true".equalsIgnoreCase(System.getenv("CI"))) {
            Assumptions.assumeTrue(SandboxRun.onPath("moto_server"), "no moto_server on the PATH: pip install 'moto[server]==5.2.1'");
        }
        Path work = Files.createTempDirectory("fault-run-");

        // When the inputs are uploaded
        FaultRun.Result result = FaultRun.run(SandboxRun.HOME.resolve("template.yaml"), work,
                FaultRun.Plan.standard(JOBS, SEED));
        result.print(System.out);
        try (java.io.PrintStream report = new java.io.PrintStream(Files.newOutputStream(Path.of("target/fault-run.txt")))) {
            result.print(report);  // benchmarks/run faults prints it
        }

        // Then faults were injected, and still every job ended, none twice
        assertThat(result.faults()).containsKeys("throttle=s3", "error=ecs", "duplicate", "kill-handler");
        assertThat(result.killedInstance()).isPresent();
        assertThat(result.lost()).as("jobs lost").isZero();
        assertThat(result.attemptsTwice()).as("attempts run twice").isZero();
        assertThat(result.twoJobs()).as("inputs with two jobs").isZero();
        assertThat(result.byState().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(JOBS);
        assertThat(result.failures().keySet()).allSatisfy(reason -> assertThat(reason).doesNotEndWith(": null"));
    }
}
