package io.conveyor.descriptor;

import io.conveyor.descriptor.CodeArguments.Finding;
import io.conveyor.descriptor.CodeArguments.Interpreter;
import io.conveyor.descriptor.CodeArguments.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * How one interpreter takes its code: which short flags and long options introduce code, take an
 * argument, name code to load or the program's file; whether its program may be its first operand
 * (awk, sed). Unknown options are flags without an argument. Immutable; each setter returns a copy.
 */
final class InterpreterGrammar {

    private static final Map<String, InterpreterGrammar> BY_NAME = new TreeMap<>();
    private static final List<Map.Entry<Pattern, InterpreterGrammar>> BY_PATTERN = new ArrayList<>();

    static {
        InterpreterGrammar shell = new InterpreterGrammar(Interpreter.SHELL).posixShell().arguments("oO")
                .loadLong("--rcfile", "--init-file");
        for (String name : List.of("sh", "bash", "rbash", "dash", "zsh", "ksh", "ksh93", "mksh", "lksh", "pdksh",
                "oksh", "ash", "hush", "yash", "posh", "bosh", "csh", "tcsh")) {
            BY_NAME.put(name, shell);
        }
        BY_NAME.put("fish", shell.code("C").codeLong("--command", "--init-command"));
        BY_PATTERN.add(Map.entry(Pattern.compile("(python|pypy)[0-9.]*"),
                new InterpreterGrammar(Interpreter.PYTHON).code("c").arguments("WX").ends("m").codeEndsOptions()));
        BY_PATTERN.add(Map.entry(Pattern.compile("perl[0-9.]*"),
                new InterpreterGrammar(Interpreter.PERL).code("eE").loads("MmI").attached("ix")));
        BY_PATTERN.add(Map.entry(Pattern.compile("ruby[0-9.]*"),
                new InterpreterGrammar(Interpreter.RUBY).code("e").arguments("CEF").loads("Ir").attached("ix")));
        BY_PATTERN.add(Map.entry(Pattern.compile("nodejs|node[0-9]*"),
                new InterpreterGrammar(Interpreter.NODE).code("ep").loads("r").codeLong("--eval", "--print")
                        .loadLong("--require", "--import", "--loader", "--experimental-loader")
                        .argumentLong("--conditions", "--input-type", "--title")));
        BY_PATTERN.add(Map.entry(Pattern.compile("php[0-9.]*"),
                new InterpreterGrammar(Interpreter.PHP).code("rBRE").loads("fFdzc")));
        BY_PATTERN.add(Map.entry(Pattern.compile("lua[0-9.]*|luajit"),
                new InterpreterGrammar(Interpreter.LUA).code("e").loads("l")));
        BY_NAME.put("Rscript", new InterpreterGrammar(Interpreter.R).code("e"));
        InterpreterGrammar awk = new InterpreterGrammar(Interpreter.AWK).code("e").arguments("Fv").loads("fEilW")
                .programFiles("fE").codeLong("--source").loadLong("--file", "--exec", "--include", "--load")
                .argumentLong("--field-separator", "--assign").programOperand();
        for (String name : List.of("awk", "gawk", "mawk", "nawk", "original-awk")) {
            BY_NAME.put(name, awk);
        }
        InterpreterGrammar sed = new InterpreterGrammar(Interpreter.SED).code("e").arguments("l").loads("f")
                .programFiles("f").attached("i").codeLong("--expression").loadLong("--file")
                .argumentLong("--line-length").programOperand();
        BY_NAME.put("sed", sed);
        BY_NAME.put("gsed", sed);
    }

    private final Interpreter interpreter;
    private boolean posixShell;
    private String code = "";
    private String arguments = "";
    private String loads = "";
    private String programFiles = "";
    private String attached = "";
    private String ends = "";
    private Set<String> codeLong = Set.of();
    private Set<String> loadLong = Set.of();
    private Set<String> argumentLong = Set.of();
    private boolean programOperand;
    private boolean codeEndsOptions;

    InterpreterGrammar(Interpreter interpreter) {
        this.interpreter = interpreter;
    }

    /** The grammar of the interpreter {@code word} names ({@code sh}, {@code /usr/bin/python3.12}), or null. */
    static InterpreterGrammar of(String word) {
        String name = word.substring(word.lastIndexOf('/') + 1);
        if (name.endsWith(".exe")) {
            name = name.substring(0, name.length() - 4);
        }
        InterpreterGrammar grammar = BY_NAME.get(name);
        if (grammar != null) {
            return grammar;
        }
        for (Map.Entry<Pattern, InterpreterGrammar> entry : BY_PATTERN) {
            if (entry.getKey().matcher(name).matches()) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** The interpreter this grammar reads. */
    Interpreter interpreter() {
        return interpreter;
    }

    /** Whether the script is the first operand after {@code -c} and all options. */
    boolean isPosixShell() {
        return posixShell;
    }

    private InterpreterGrammar with(Consumer<InterpreterGrammar> change) {
        InterpreterGrammar copy = new InterpreterGrammar(interpreter);
        copy.posixShell = posixShell;
        copy.code = code;
        copy.arguments = arguments;
        copy.loads = loads;
        copy.programFiles = programFiles;
        copy.attached = attached;
        copy.ends = ends;
        copy.codeLong = codeLong;
        copy.loadLong = loadLong;
        copy.argumentLong = argumentLong;
        copy.programOperand = programOperand;
        copy.codeEndsOptions = codeEndsOptions;
        change.accept(copy);
        return copy;
    }

    /** {@code -c} (alone or among other flags) makes the first operand after all options the script. */
    InterpreterGrammar posixShell() {
        return with(g -> g.posixShell = true);
    }

    /** Short flags whose argument (the rest of the word, else the next word) is code. */
    InterpreterGrammar code(String flags) {
        return with(g -> g.code = flags);
    }

    /** Short flags whose argument (the rest of the word, else the next word) is data. */
    InterpreterGrammar arguments(String flags) {
        return with(g -> g.arguments = flags);
    }

    /** Short flags whose argument (the rest of the word, else the next word) names code to load. */
    InterpreterGrammar loads(String flags) {
        return with(g -> g.loads = flags);
    }

    /** Those of {@link #loads} that give the program as a file, so that no operand is the program. */
    InterpreterGrammar programFiles(String flags) {
        return with(g -> g.programFiles = flags);
    }

    /** Short flags whose optional argument is the rest of the word only ({@code -i.bak}). */
    InterpreterGrammar attached(String flags) {
        return with(g -> g.attached = flags);
    }

    /** Short flags that take the code to load as their argument and end the options ({@code python -m}). */
    InterpreterGrammar ends(String flags) {
        return with(g -> g.ends = flags);
    }

    InterpreterGrammar codeLong(String... options) {
        return with(g -> g.codeLong = Set.of(options));
    }

    InterpreterGrammar loadLong(String... options) {
        return with(g -> g.loadLong = Set.of(options));
    }

    InterpreterGrammar argumentLong(String... options) {
        return with(g -> g.argumentLong = Set.of(options));
    }

    /** The first operand is the program unless code or a program file came with an option. */
    InterpreterGrammar programOperand() {
        return with(g -> g.programOperand = true);
    }

    /** The arguments after the code are the code's, not options ({@code python -c}). */
    InterpreterGrammar codeEndsOptions() {
        return with(g -> g.codeEndsOptions = true);
    }

    /**
     * Adds the findings of the interpreter named at {@code k}: its options, its code, its script file.
     *
     * @return the index of a shell's script, or -1
     */
    int parse(List<String> words, int k, List<Finding> out) {
        String program = words.get(k);
        boolean commandMode = false;
        boolean programGiven = false;
        int i = k + 1;
        while (i < words.size()) {
            String word = words.get(i);
            if (word.equals("--")) {
                i++;
                break;
            }
            if (word.startsWith("${") && CodeArguments.risky(word)) {
                if (posixShell && commandMode) {
                    // After -c it is the script, unless its value makes it an option: code either way.
                    break;
                }
                // A value where an option may stand could be one (-c).
                out.add(new Finding(i, Role.OPTION, interpreter, program));
                i++;
                continue;
            }
            if (word.startsWith("--") && word.length() > 2) {
                int equals = word.indexOf('=');
                String name = equals < 0 ? word : word.substring(0, equals);
                int argument = equals < 0 ? i + 1 : i;
                if (CodeArguments.risky(name)) {
                    out.add(new Finding(i, Role.OPTION, interpreter, program));
                    argument = i;
                } else if (codeLong.contains(name)) {
                    mark(words, argument, Role.CODE, program, out);
                    programGiven = true;
                } else if (loadLong.contains(name)) {
                    mark(words, argument, Role.OPTION, program, out);
                    programGiven |= name.equals("--file") || name.equals("--exec");
                } else if (!argumentLong.contains(name)) {
                    argument = i;
                }
                i = argument + 1;
                continue;
            }
            boolean option = word.length() > 1 && (word.charAt(0) == '-' || posixShell && word.charAt(0) == '+');
            if (!option) {
                break;
            }
            Cluster cluster = cluster(words, i, program, out);
            commandMode |= cluster.commandMode;
            programGiven |= cluster.programGiven;
            if (cluster.endsOptions) {
                return -1;
            }
            i = cluster.next;
        }
        if (i >= words.size()) {
            return -1;
        }
        // The first operand: a shell's script (with -c) or script file; another interpreter's program
        // (awk, sed) or script file, unless an option gave its code, which makes the operands data.
        if (posixShell) {
            mark(words, i, commandMode ? Role.CODE : Role.OPTION, program, out);
            return commandMode ? i : -1;
        }
        if (!programGiven) {
            mark(words, i, programOperand ? Role.CODE : Role.OPTION, program, out);
        }
        return -1;
    }

    private record Cluster(int next, boolean commandMode, boolean programGiven, boolean endsOptions) {
    }

    /** One word of short flags ({@code -ec}, {@code -lne'print'}): what it sets, and the word after its arguments. */
    private Cluster cluster(List<String> words, int i, String program, List<Finding> out) {
        String word = words.get(i);
        boolean commandMode = false;
        int next = i + 1;
        for (int j = 1; j < word.length(); j++) {
            if (word.startsWith("${", j)) {
                // A value among the flags could be any flag.
                if (CodeArguments.risky(word.substring(j))) {
                    out.add(new Finding(i, Role.OPTION, interpreter, program));
                }
                break;
            }
            char flag = word.charAt(j);
            boolean last = j == word.length() - 1;
            String rest = word.substring(j + 1);
            Role role = code.indexOf(flag) >= 0 ? Role.CODE
                    : loads.indexOf(flag) >= 0 || ends.indexOf(flag) >= 0 ? Role.OPTION : null;
            if (role == Role.CODE && !last && rest.chars().allMatch(c -> code.indexOf(c) >= 0)) {
                // node -pe: the last of the code flags takes the code.
                continue;
            }
            if (role != null || !posixShell && arguments.indexOf(flag) >= 0) {
                int argument = last ? next++ : i;
                if (role != null) {
                    mark(words, argument, role, program, out);
                }
                boolean programGiven = role == Role.CODE || programFiles.indexOf(flag) >= 0;
                boolean ends = this.ends.indexOf(flag) >= 0 || role == Role.CODE && codeEndsOptions;
                return new Cluster(next, commandMode, programGiven, ends);
            }
            if (posixShell) {
                commandMode |= flag == 'c' && word.charAt(0) == '-';
                if (arguments.indexOf(flag) >= 0) {
                    next++;
                }
            } else if (attached.indexOf(flag) >= 0) {
                break;
            }
        }
        return new Cluster(next, commandMode, false, false);
    }

    /** Records the word at {@code index} when it holds a placeholder its role forbids. */
    private void mark(List<String> words, int index, Role role, String program, List<Finding> out) {
        if (index >= words.size()) {
            return;
        }
        String word = words.get(index);
        if (role == Role.CODE ? CodeArguments.holdsPlaceholder(word) : CodeArguments.risky(word)) {
            out.add(new Finding(index, role, interpreter, program));
        }
    }
}
