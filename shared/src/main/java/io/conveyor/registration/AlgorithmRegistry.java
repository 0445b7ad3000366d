package io.conveyor.registration;

import java.util.Optional;

/**
 * Where Conveyor keeps its algorithms and the outcome of every descriptor file.
 */
public interface AlgorithmRegistry {

    /** The record of an algorithm, active or retired. */
    Optional<AlgorithmRecord> algorithm(String name);

    /** Stores an algorithm's record. */
    void save(AlgorithmRecord record);

    /** The last outcome of a descriptor file, by its key. */
    Optional<RegistrationOutcome> outcome(String descriptorKey);

    /** Stores the outcome of a descriptor file, where its author reads it. */
    void save(String descriptorKey, RegistrationOutcome outcome);
}
