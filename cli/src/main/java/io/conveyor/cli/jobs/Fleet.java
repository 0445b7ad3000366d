package io.conveyor.cli.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What {@code conveyor fleet} shows: the stack's instances, its queues and its dead letters, and what
 * could not be read.
 */
record Fleet(List<Instance> instances, List<Queue> queues,
             @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings) {

    Fleet {
        warnings = List.copyOf(warnings);
    }

    /**
     * One container instance.
     *
     * @param idleMinutes minutes since it last ran a task (from its idle alarm's metric), or {@code null}
     * @param alarm       its idle alarm's state, or {@code null} when it has none
     */
    record Instance(String id, String state, String type, int runningTasks, Integer idleMinutes, String alarm) {
    }

    /**
     * One queue: what waits in it, what is being handled; for a dead-letter queue, samples of what lies
     * there and where the reasons are logged.
     */
    record Queue(String name, boolean deadLetter, long waiting, long inFlight, List<String> samples, String reasons) {
        Queue {
            samples = List.copyOf(samples);
        }
    }
}
