package io.conveyor.descriptor;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}} placeholders in commands and environment values, replaced per job as plain text.
 *
 * <p>Replacing never splits or quotes: a word stays one argument and a value stays inside the word it
 * replaces, and Conveyor starts no shell. That alone does not keep a value from becoming code: a word
 * the author's command hands to an interpreter as code ({@code sh -c "wc ${CONVEYOR_INPUT}"}) would
 * have the value pasted into its code. So placeholders are not allowed where {@link CodeArguments}
 * finds code (or a word that decides what runs): validation refuses them with the safe form (in a
 * shell script, {@code "$CONVEYOR_INPUT"}, the environment variable every value is also given as), and
 * {@link JobCommand}, which replaces them for every job, never pastes into such a word. What a program
 * does with an ordinary argument (an author's own {@code eval}) is beyond what Conveyor can see.
 */
public final class Placeholders {

    /** The staged input file. */
    public static final String INPUT = "CONVEYOR_INPUT";
    /** The directory whose whole content becomes the job's output. */
    public static final String OUTPUT_DIR = "CONVEYOR_OUTPUT_DIR";
    /** The job's id. */
    public static final String JOB_ID = "CONVEYOR_JOB_ID";
    /** The attempt number, from 1. */
    public static final String ATTEMPT = "CONVEYOR_ATTEMPT";
    /**
     * The staged input's file name (the last part of its key, as {@code CONVEYOR_INPUT} ends): the
     * uploader's choice, so a value like a parameter's, which may start with {@code -}.
     */
    public static final String INPUT_NAME = "CONVEYOR_INPUT_NAME";
    /** A gather job's input folder: every taken member's outputs, at {@code <member job id>/<output path>}. */
    public static final String INPUT_DIR = "CONVEYOR_INPUT_DIR";
    /** Every variable of the container contract. */
    public static final Set<String> CONTRACT = Set.of(INPUT, INPUT_NAME, OUTPUT_DIR, JOB_ID, ATTEMPT);
    /**
     * The contract variables whose values start as Conveyor chooses: absolute paths and plain ids, which
     * no uploader can turn into an option or the name of another program ({@link CodeArguments}).
     */
    public static final Set<String> OWN = Set.of(INPUT, OUTPUT_DIR, JOB_ID, ATTEMPT);

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private Placeholders() {
    }

    /** The names referred to in {@code text}, in order of first use. */
    public static Set<String> referencedIn(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /**
     * {@code text} with each placeholder whose name {@code values} holds replaced by its value, in one
     * pass (a value holding {@code ${...}} is not replaced again). Build a job's words with
     * {@link JobCommand}, which knows where not to call this.
     */
    public static String substitute(String text, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value == null ? matcher.group() : value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /**
     * Where {@code text} holds a {@code ${} that starts no placeholder ({@code ${ NAME }}, an unclosed
     * {@code ${NAME}), or {@code -1}: such text would otherwise pass through as literal text.
     */
    public static int malformedAt(String text) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        for (int at = text.indexOf("${"); at >= 0; at = text.indexOf("${", at + 2)) {
            if (!matcher.region(at, text.length()).lookingAt()) {
                return at;
            }
        }
        return -1;
    }

    /** {@code ${NAME}}. */
    public static String of(String name) {
        return "${" + name + "}";
    }
}
