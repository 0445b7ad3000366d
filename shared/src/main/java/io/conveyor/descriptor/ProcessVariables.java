package io.conveyor.descriptor;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Names of environment variables that change how a process, a shell or a language runtime runs, each
 * with the reason, and the names Conveyor and AWS reserve: the one place both rules live.
 *
 * <p>A parameter's value comes from any uploader's metadata, so no parameter may have such a name
 * ({@code LD_PRELOAD=/tmp/x.so} would load the uploader's choice of library into the algorithm). An
 * {@code environment} entry may give one a fixed value (the author's own, as an image's {@code ENV}
 * would), but no placeholder: {@link JobCommand} never pastes a value into it.
 */
public final class ProcessVariables {

    private static final String LOADER = "the dynamic loader reads LD_* variables: LD_PRELOAD and LD_AUDIT load a "
            + "library into every program, LD_LIBRARY_PATH chooses where libraries come from";
    private static final String PROXY = "HTTP clients (curl, the AWS CLI and SDKs among them) send their traffic, "
            + "data and credentials included, through the proxy it names, or past the one they should use";
    private static final String PROMPT = "a shell expands it, command substitutions included, each time it prompts";
    private static final String JVM = "the JVM takes it as options, and -javaagent loads code";

    /** The names, exactly as written (Linux variables are case-sensitive), and why each changes what runs. */
    private static final Map<String, String> EXACT = Map.ofEntries(
            Map.entry("PATH", "it chooses which program each command name runs"),
            Map.entry("BASH_ENV", "bash runs the file it names before any script"),
            Map.entry("ENV", "sh expands it and runs the file it names when it starts interactively"),
            Map.entry("SHELLOPTS", "bash turns on every option it lists (xtrace, noglob, ...) in every script"),
            Map.entry("BASHOPTS", "bash turns on every shopt option it lists in every script"),
            Map.entry("PS1", PROMPT), Map.entry("PS2", PROMPT), Map.entry("PS3", PROMPT),
            Map.entry("PS4", "a shell expands it, command substitutions included, before each line it traces "
                    + "(set -x)"),
            Map.entry("IFS", "it decides how a shell splits words, so an unquoted expansion becomes other arguments"),
            Map.entry("PROMPT_COMMAND", "bash runs it before each prompt"),
            Map.entry("PYTHONPATH", "Python imports modules from the folders it names before its own"),
            Map.entry("PYTHONSTARTUP", "Python runs the file it names when it starts interactively"),
            Map.entry("PYTHONHOME", "Python loads its standard library from there"),
            Map.entry("PERL5LIB", "Perl loads modules from the folders it names"),
            Map.entry("PERLLIB", "Perl loads modules from the folders it names"),
            Map.entry("PERL5OPT", "Perl takes it as options, and -M loads a module"),
            Map.entry("RUBYOPT", "Ruby takes it as options, and -r loads a library"),
            Map.entry("RUBYLIB", "Ruby loads libraries from the folders it names"),
            Map.entry("NODE_OPTIONS", "Node.js takes it as options, and --require loads a module"),
            Map.entry("NODE_PATH", "Node.js loads modules from the folders it names"),
            Map.entry("JAVA_TOOL_OPTIONS", JVM), Map.entry("_JAVA_OPTIONS", JVM), Map.entry("JDK_JAVA_OPTIONS", JVM),
            Map.entry("CLASSPATH", "Java loads classes from there"));

    /** Proxy variables, in any case: curl reads {@code http_proxy} in lower case only, others both. */
    private static final Set<String> PROXIES = Set.of("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "FTP_PROXY");

    private ProcessVariables() {
    }

    /**
     * Why a value of {@code name} changes how a process, a shell or a language runtime runs (loads code,
     * takes options, chooses programs, routes traffic), or empty for an ordinary name.
     */
    public static Optional<String> changesWhatRuns(String name) {
        if (name.startsWith("LD_")) {
            return Optional.of(LOADER);
        }
        if (PROXIES.contains(name.toUpperCase(Locale.ROOT))) {
            return Optional.of(PROXY);
        }
        return Optional.ofNullable(EXACT.get(name));
    }

    /** Who reserves {@code name} ({@code CONVEYOR_*}, {@code AWS_*}) and why, or empty. */
    public static Optional<String> reservation(String name) {
        if (name.startsWith("CONVEYOR_")) {
            return Optional.of("CONVEYOR_* variables are the container contract's (CONVEYOR_INPUT, CONVEYOR_INPUT_NAME, "
                    + "CONVEYOR_OUTPUT_DIR, CONVEYOR_JOB_ID, CONVEYOR_ATTEMPT, CONVEYOR_INPUT_DIR), set by Conveyor");
        }
        if (name.startsWith("AWS_")) {
            return Optional.of("AWS_* variables belong to AWS: its SDKs and CLI read them for credentials, region and "
                    + "endpoints, and ECS sets those a task needs");
        }
        return Optional.empty();
    }

    /** The error for an {@code environment} name or parameter name that is reserved, or empty. */
    static Optional<String> reservedProblem(String name) {
        return reservation(name).map(why -> "'" + name + "' is reserved: " + why);
    }

    /** The error for a parameter named {@code name}, when its name is reserved or changes what runs, or empty. */
    public static Optional<String> parameterProblem(String name) {
        return reservedProblem(name).or(() -> changesWhatRuns(name).map(why -> "'" + name + "' may not be a "
                + "parameter: its value would come from any uploader's metadata, and " + why
                + "; give the parameter another name, and set " + name + " in your image if the algorithm needs it"));
    }
}
