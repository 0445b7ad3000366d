package io.conveyor.descriptor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The command words and environment of one job, from a descriptor's command and environment and the
 * job's values: the one place, for ECS ({@code TaskOverrides}) and the local mode alike, where
 * placeholders are replaced.
 *
 * <p>Each word is one argument and each value lands in one word: nothing is split, quoted or run by a
 * shell of Conveyor's. A word that {@link CodeArguments} finds to be code (or to decide what runs), and
 * the value of a {@link ProcessVariables variable that changes what runs}, is left as written and never
 * pasted into. Validation refuses placeholders there; a descriptor accepted before that rule still runs
 * no value as code: a shell reads the {@code ${NAME}} it is given as its own variable, which the
 * environment holds, and other interpreters fail on it.
 *
 * <p>Every value is also an environment variable of its name, so that code reads it safely from there
 * ({@code "$CONVEYOR_INPUT"} in a shell script).
 *
 * @param command     the words to run
 * @param environment the variables the job sets: the given environment with placeholders replaced, then
 *                    every value by its name
 */
public record JobCommand(List<String> command, Map<String, String> environment) {

    public JobCommand {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }

    /**
     * The command and environment of one job.
     *
     * @param command     the descriptor's command (or its local one), with placeholders
     * @param environment the variables to set, as the descriptor writes them
     * @param values      the placeholders' values: the contract's variables and the parameters
     */
    public static JobCommand of(List<String> command, Map<String, String> environment, Map<String, String> values) {
        Set<Integer> code = new HashSet<>();
        CodeArguments.find(command).forEach(finding -> code.add(finding.index()));
        List<String> words = new ArrayList<>(command.size());
        for (int i = 0; i < command.size(); i++) {
            words.add(code.contains(i) ? command.get(i) : Placeholders.substitute(command.get(i), values));
        }
        Map<String, String> variables = new TreeMap<>();
        environment.forEach((name, value) -> variables.put(name,
                CodeArguments.isCodeVariable(name) ? value : Placeholders.substitute(value, values)));
        variables.putAll(values);
        return new JobCommand(words, variables);
    }
}
