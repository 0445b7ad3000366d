package io.conveyor.observe;

import java.util.Locale;

/** Which changes of a job's state are published as job events ({@code JOB_EVENTS}). */
public enum JobEventScope {
    /** Only a job reaching SUCCEEDED, FAILED or CANCELLED. */
    TERMINAL,
    /** Every change of state, its creation included. */
    ALL;

    /** The variable that chooses it. */
    public static final String VARIABLE = "JOB_EVENTS";

    /**
     * The scope a variable's value names: {@code terminal} or {@code all}.
     *
     * @throws IllegalArgumentException naming {@value #VARIABLE} and the value, for anything else
     */
    public static JobEventScope parse(String value) {
        return switch (value == null ? "" : value.trim().toLowerCase(Locale.ROOT)) {
            case "terminal" -> TERMINAL;
            case "all" -> ALL;
            default -> throw new IllegalArgumentException(VARIABLE + " must be terminal or all, was '" + value + "'");
        };
    }

    /** Whether a change into {@code after}'s state is published. */
    boolean publishes(io.conveyor.jobs.JobState state) {
        return this == ALL || state.terminal();
    }
}
