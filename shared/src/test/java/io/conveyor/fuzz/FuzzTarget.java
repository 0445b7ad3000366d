package io.conveyor.fuzz;

import java.util.List;

/**
 * One parser under fuzzing: what it does with bytes, and the inputs mutations start from.
 *
 * <p>{@link #run} returns whether the input was accepted or rejected the documented way (a rejection
 * that names a path or a field); it throws {@link InvariantViolation} when an accepted input breaks a
 * property the parser promises. Any other exception is a crash.
 */
public interface FuzzTarget {

    /** What a parser did with one input, when it did something documented. */
    enum Verdict { ACCEPTED, REJECTED }

    /** The folder of its corpus under {@code fuzz-corpus/}. */
    String name();

    /** Parses {@code input} as the production code does, and checks the properties. */
    Verdict run(byte[] input);

    /** A freshly generated input (not a mutation), drawn from {@code random}. */
    byte[] generate(Mutations random);

    /** Built-in starting points, beside the corpus. */
    List<byte[]> seeds();

    /** A property of the parser that an input broke. */
    final class InvariantViolation extends RuntimeException {
        public InvariantViolation(String message) {
            super(message);
        }
    }

    /** Throws {@link InvariantViolation} with {@code message} unless {@code holds}. */
    static void require(boolean holds, String message) {
        if (!holds) {
            throw new InvariantViolation(message);
        }
    }
}
