package io.conveyor.descriptor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The words of a command, and the environment variables, where a placeholder's value could become
 * code, so that no value may be pasted there as text.
 *
 * <p>Conveyor runs no shell and pastes a value into one argument only. But an author's command may
 * start an interpreter that reads one of its arguments as code: in {@code ["sh", "-c", "wc
 * ${CONVEYOR_INPUT}"]} the third word is a shell script, and an input named {@code x;id} would run
 * {@code id}. The command's own words show where that happens:
 * <ul>
 *   <li>{@link Role#CODE}: the code argument of an interpreter named by any word of the command (so
 *       also after {@code env}, {@code nice}, {@code busybox} and the like): the script of a shell
 *       given {@code -c} (see {@link Interpreter#SHELL}; flags may be combined, {@code -ec}, and the
 *       script is the first operand after all options, as POSIX specifies); the inline code of python
 *       ({@code -c}), perl ({@code -e}, {@code -E}), ruby ({@code -e}), node ({@code -e}, {@code -p},
 *       {@code --eval}, {@code --print}), php ({@code -r}, {@code -B}, {@code -R}, {@code -E}), lua
 *       ({@code -e}), Rscript ({@code -e}); the program of awk and sed (their first operand, or the
 *       argument of {@code -e}). No placeholder at all may stand there: the input's path ends with the
 *       uploader's file name.</li>
 *   <li>{@link Role#OPTION}: a word before that code (the words that start the interpreter, its
 *       options, a module or script file it loads) holding a parameter: a value there could be an
 *       option such as {@code -c} and turn a later word into code, or name the code to run.</li>
 *   <li>{@link Role#PROGRAM}: the first word holding a parameter: a value would choose the program.</li>
 * </ul>
 * Most contract values ({@link Placeholders#OWN}) are Conveyor's own: absolute paths and plain ids,
 * which no uploader can turn into an option, an assignment or the name of another program, so the last
 * two roles allow them ({@code ["${CONVEYOR_INPUT}"]} runs the input itself, as its author asks);
 * parameters come from any uploader's metadata, and {@code CONVEYOR_INPUT_NAME} is the uploader's file
 * name, which may start with {@code -}: those two are refused in every role.
 *
 * <p><b>Refused, not rewritten.</b> Rewriting {@code ${NAME}} to {@code "$NAME"} is right only where the
 * placeholder stands unquoted in a shell script; inside double quotes it must become {@code $NAME},
 * inside single quotes, a here-document, a nested {@code $(...)} or another language's code, something
 * else again. Proving which takes a parser per language; a precise error with the safe form takes none,
 * and the author sees exactly what runs. Validation refuses such descriptors ({@link SemanticChecks});
 * at run time ({@link JobCommand}) these words are left as written, never pasted into, so a descriptor
 * accepted before the rule still cannot run a value: a shell reads {@code ${NAME}} as its own variable,
 * which holds the value as data, and other interpreters fail on it.
 *
 * <p><b>What this cannot see</b>: what a program does with its arguments (an author's program that
 * passes one to {@code eval} or a shell; {@code env}, {@code xargs}, {@code timeout}, {@code ssh} given a
 * value where they take a command), and an image whose {@code ENTRYPOINT} is a shell with {@code -c},
 * which turns the command's first word into a script. Options of an interpreter not listed here are read
 * as flags without an argument.
 */
public final class CodeArguments {

    /** Why a word must not have a value pasted into it. */
    public enum Role {
        /** The code an interpreter runs. */
        CODE,
        /** The first word: the program to run. */
        PROGRAM,
        /** A word before an interpreter's code: its name, its options, what it loads. */
        OPTION
    }

    /**
     * A word of a command that must not have a value pasted into it.
     *
     * @param index       the word's index in the command
     * @param role        why
     * @param interpreter the interpreter whose code or options it is; {@code null} for {@link Role#PROGRAM}
     * @param program     the interpreter as the command names it ({@code /bin/sh}), or {@code null}
     */
    public record Finding(int index, Role role, Interpreter interpreter, String program) {

        /** Why {@code ${name}} in this word is refused, and what to write instead. */
        public String message(String name) {
            String placeholder = Placeholders.of(name);
            return switch (role) {
                case CODE -> "puts " + placeholder + " inside " + interpreter.code + " (the code that " + program
                        + " runs), where a value pasted as text becomes code: an input named 'x;id' or a parameter "
                        + "'1; id' would run id; " + interpreter.safeForm(name);
                case PROGRAM -> "puts " + placeholder + " into the program to run, so that a value would choose what "
                        + "runs; name the program, and pass values as arguments or read them from the environment ("
                        + name + ")";
                case OPTION -> "puts " + placeholder + " before the code that " + program + " runs (among the words "
                        + "that start it, its options, the file or module it loads), where a value could become an "
                        + "option such as -c and turn a later word into code, or name the code to run; write these "
                        + "words as fixed text and read the value from the environment (" + name + ") instead";
            };
        }
    }

    /** The interpreters Conveyor recognizes, each with how its code reads a value safely. */
    public enum Interpreter {
        /**
         * POSIX shells (sh, bash, dash, zsh, ksh, mksh, ash, hush, yash, posh, busybox's) and csh, tcsh,
         * fish: with {@code -c}, the first operand is the script.
         */
        SHELL("a shell script", "\"$%1$s\" (the environment variable, in double quotes) instead of ${%1$s} inside a "
                + "shell script, or pass ${%1$s} as an argument after the script and use \"$1\""),
        PYTHON("Python code", "os.environ[\"%1$s\"] instead of ${%1$s} inside Python code, or pass ${%1$s} as an "
                + "argument after the code and use sys.argv[1]"),
        PERL("Perl code", "$ENV{%1$s} instead of ${%1$s} inside Perl code, or pass ${%1$s} as an argument after -- "
                + "and use $ARGV[0]"),
        RUBY("Ruby code", "ENV[\"%1$s\"] instead of ${%1$s} inside Ruby code, or pass ${%1$s} as an argument "
                + "after -- and use ARGV[0]"),
        NODE("JavaScript code", "process.env.%1$s instead of ${%1$s} inside JavaScript code"),
        PHP("PHP code", "getenv(\"%1$s\") instead of ${%1$s} inside PHP code"),
        LUA("Lua code", "os.getenv(\"%1$s\") instead of ${%1$s} inside Lua code"),
        R("R code", "Sys.getenv(\"%1$s\") instead of ${%1$s} inside R code"),
        AWK("an awk program", "ENVIRON[\"%1$s\"] instead of ${%1$s} inside an awk program"),
        SED("a sed script", "a fixed sed script: sed reads no variables, so no value can stand inside one safely; "
                + "pass ${%1$s} as a file argument after the script, or use awk and ENVIRON[\"%1$s\"]");

        private final String code;
        private final String safeForm;

        Interpreter(String code, String safeForm) {
            this.code = code;
            this.safeForm = safeForm;
        }

        /** What to write instead of {@code ${name}} in this language's code. */
        public String safeForm(String name) {
            return "use " + safeForm.formatted(name);
        }
    }

    private CodeArguments() {
    }

    /**
     * Whether {@code variable} changes how a process, a shell or a language runtime runs
     * ({@link ProcessVariables}): a placeholder in its value would let a value become code.
     */
    public static boolean isCodeVariable(String variable) {
        return ProcessVariables.changesWhatRuns(variable).isPresent();
    }

    /**
     * The words of {@code command} that hold a placeholder where a value must not be pasted, in order,
     * one finding per word.
     */
    public static List<Finding> find(List<String> command) {
        Map<Integer, Finding> found = new TreeMap<>();
        if (!command.isEmpty() && risky(command.get(0))) {
            found.put(0, new Finding(0, Role.PROGRAM, null, null));
        }
        int scriptName = -1;
        for (int k = 0; k < command.size(); k++) {
            InterpreterGrammar grammar = InterpreterGrammar.of(command.get(k));
            // The word after a shell's script is the script's $0 (sh -c '...' sh "$file"), not a shell.
            if (grammar == null || k == scriptName) {
                continue;
            }
            List<Finding> here = new ArrayList<>();
            for (int i = 1; i < k; i++) {
                if (risky(command.get(i))) {
                    here.add(new Finding(i, Role.OPTION, grammar.interpreter(), command.get(k)));
                }
            }
            int script = grammar.parse(command, k, here);
            if (grammar.isPosixShell() && script >= 0) {
                scriptName = script + 1;
            }
            for (Finding finding : here) {
                Finding earlier = found.get(finding.index());
                if (earlier == null || finding.role().ordinal() < earlier.role().ordinal()) {
                    found.put(finding.index(), finding);
                }
            }
        }
        return List.copyOf(found.values());
    }

    /** Whether {@code word} holds a value any uploader chooses whole: a parameter, or the input's file name. */
    static boolean risky(String word) {
        return Placeholders.referencedIn(word).stream().anyMatch(name -> !Placeholders.OWN.contains(name));
    }

    /** Whether {@code word} holds any placeholder. */
    static boolean holdsPlaceholder(String word) {
        return !Placeholders.referencedIn(word).isEmpty();
    }
}
