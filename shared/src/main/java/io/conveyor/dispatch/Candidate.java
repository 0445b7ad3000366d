package io.conveyor.dispatch;

import io.conveyor.jobs.JobStore;
import io.conveyor.jobs.NewJob;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.storage.StoredObject;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One job of a batch that is to run: admitted, neither rejected nor a duplicate of a finished one.
 *
 * @param id         the job's id
 * @param job        what a new input's job is made of (its record does not exist yet), or {@code null}
 * @param recorded   its record as admission read it, for a job that has one (a retry, a chain's step:
 *                   placing it then needs neither a create nor a second read), or {@code null}
 * @param algorithm  the algorithm revision it runs
 * @param input      its input object as it is now
 * @param output     where its output lies
 * @param parameters its parameters' values
 */
record Candidate(String id, NewJob job, JobStore.Versioned recorded, AlgorithmRecord algorithm, StoredObject input,
                 String output, Map<String, String> parameters) {

    Candidate {
        Objects.requireNonNull(id, "id");
        if ((job == null) == (recorded == null)) {
            throw new IllegalArgumentException(id + ": a candidate is either a new job or a recorded one");
        }
        parameters = Map.copyOf(parameters);
    }

    /** A new input's job. */
    static Candidate of(NewJob job, AlgorithmRecord algorithm, StoredObject input, Map<String, String> parameters) {
        return new Candidate(job.id(), job, null, algorithm, input, job.output(), parameters);
    }

    /** A job that has a record already. */
    static Candidate of(JobStore.Versioned recorded, AlgorithmRecord algorithm, StoredObject input,
                        Map<String, String> parameters) {
        return new Candidate(recorded.record().id(), null, recorded, algorithm, input, recorded.record().output(),
                parameters);
    }

    /**
     * The task definition its task starts on: the one its record is pinned to ({@code retry --same-image}; admission
     * checked it is of the algorithm's family), or the algorithm's registered one.
     */
    String taskDefinitionArn() {
        String pinned = recorded == null ? null : recorded.record().pinnedTaskDefinition();
        return pinned != null ? pinned : algorithm.taskDefinitionArn();
    }

    /** What it asks of a container instance. */
    Packer.Demand demand() {
        Set<String> types = new TreeSet<>(algorithm.definition().instanceTypes());
        return new Packer.Demand(id, algorithm.definition().resources().cpuUnits(),
                algorithm.definition().resources().taskMemoryMiB(), types);
    }
}
