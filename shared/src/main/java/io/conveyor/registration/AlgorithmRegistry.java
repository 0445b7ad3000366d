package io.conveyor.registration;

import java.util.Optional;

/**
 * Where Conveyor keeps its algorithms and the outcome of every descriptor file.
 */
public interface AlgorithmRegistry {

    /** The record of an algorithm, active or retired. */
    Optional<AlgorithmRecord> algorithm(String name);

    /** Stores an algorithm's record, whatever lies there (seeding a registry; registration uses {@link #saveIfUnchanged}). */
    void save(AlgorithmRecord record);

    /**
     * An algorithm's record as read now, with what {@link #saveIfUnchanged} compares with.
     *
     * @param record  the record, or empty when the name was never registered
     * @param version the stored record's version (an entity tag), or {@code null} when there is none
     */
    record Entry(Optional<AlgorithmRecord> record, String version) {
    }

    /** An algorithm's record with its version. */
    Entry entry(String name);

    /**
     * Stores an algorithm's record only if nothing wrote that algorithm's record since {@code read}: two
     * registrations of one name at once (the register function runs two at a time) cannot both win.
     *
     * @return {@code false}, storing nothing, when another write came first
     */
    boolean saveIfUnchanged(AlgorithmRecord record, Entry read);

    /** The last outcome of a descriptor file, by its key. */
    Optional<RegistrationOutcome> outcome(String descriptorKey);

    /** Stores the outcome of a descriptor file, where its author reads it. */
    void save(String descriptorKey, RegistrationOutcome outcome);
}
