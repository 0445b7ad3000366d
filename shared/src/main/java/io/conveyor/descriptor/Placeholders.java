package io.conveyor.descriptor;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}} placeholders in commands and environment values, replaced per job as plain text:
 * each argument stays one argument, so no value can become code.
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
    /** Every variable of the container contract. */
    public static final Set<String> CONTRACT = Set.of(INPUT, OUTPUT_DIR, JOB_ID, ATTEMPT);

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

    /** {@code text} with each placeholder whose name {@code values} holds replaced by its value. */
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

    /** {@code ${NAME}}. */
    public static String of(String name) {
        return "${" + name + "}";
    }
}
