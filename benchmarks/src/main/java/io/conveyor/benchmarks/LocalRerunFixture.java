package io.conveyor.benchmarks;

import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobLifecycle;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.NewJob;
import io.conveyor.local.FileJobStore;
import io.conveyor.storage.Digests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A local workspace as a finished run leaves it: {@code inbox/tiny/} with N tiny inputs, the descriptor,
 * and each input's SUCCEEDED record in {@code outbox/jobs/}, made through the lifecycle as the local mode
 * makes them (the same job ids), without running N processes. {@code conveyor local --once} on it has
 * nothing to do: the rerun benchmark times that.
 *
 * <p>Usage: {@code LocalRerunFixture DIR N DESCRIPTOR_JSON}.
 */
public final class LocalRerunFixture {

    private LocalRerunFixture() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).toAbsolutePath().normalize();
        int count = Integer.parseInt(args[1]);
        byte[] descriptor = args[2].getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var validation = new DescriptorValidator().validate("tiny.json", descriptor);
        if (!validation.valid()) {
            throw new IllegalArgumentException("descriptor: " + validation.errors());
        }
        Files.createDirectories(dir.resolve("algorithms"));
        Files.write(dir.resolve("algorithms/tiny.json"), descriptor);
        Path inbox = Files.createDirectories(dir.resolve("inbox/tiny"));
        FileJobStore store = new FileJobStore(dir.resolve("outbox/jobs"));
        Instant now = Instant.now();
        for (int i = 1; i <= count; i++) {
            Path input = inbox.resolve(i + ".txt");
            Files.writeString(input, "line " + i + "\n");
            NewJob job = NewJob.of(new NewJob.JobInput(input.toString(), "sha256:" + Digests.sha256(input)),
                    new NewJob.AlgorithmRevision("tiny", validation.sha256(), 1 + validation.descriptor().retries()));
            Path output = dir.resolve("outbox/outputs/tiny/" + i + ".txt/" + job.id());
            JobRecord record = JobLifecycle.admit(job, List.of(), now).after();
            for (JobEvent event : List.of(new JobEvent.StartRequested(null),
                    JobEvent.TaskRunning.asProcess(1, 1000 + i, now.toString()),
                    JobEvent.AttemptEnded.of(1, new JobEvent.Succeeded())
                            .withOutput(new JobEvent.Output(output.toString(), List.of(), Map.of())))) {
                record = JobLifecycle.apply(record, event, now).after();
            }
            store.create(record);
        }
    }
}
