package io.conveyor.descriptor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a command written as one string into arguments the way a POSIX shell splits words (blanks,
 * single and double quotes, backslashes) without running a shell: no expansion, no pipes, no
 * redirection. Shell operators standing alone are refused, since they would reach the program as
 * plain arguments.
 */
public final class CommandLine {

    private static final Set<String> OPERATORS = Set.of("|", "||", "&", "&&", ";", ">", ">>", "<", "<<", "2>", "2>&1");

    private CommandLine() {
    }

    /**
     * The arguments of {@code command}.
     *
     * @throws IllegalArgumentException saying what is wrong (an open quote, a shell operator)
     */
    public static List<String> split(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < command.length() && "\"\\$`".indexOf(command.charAt(i + 1)) >= 0) {
                    word.append(command.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 == command.length()) {
                    throw new IllegalArgumentException("ends with a lone backslash");
                }
                word.append(command.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(finish(word, words.size()));
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                if (c == '#' && !inWord) {
                    throw new IllegalArgumentException("has a word starting with '#', which a shell would read as a "
                            + "comment, but Conveyor runs no shell: quote it to pass it as an argument");
                }
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("has an unclosed " + (quote == '"' ? "double" : "single") + " quote");
        }
        if (inWord) {
            words.add(finish(word, words.size()));
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("holds no program to run");
        }
        return List.copyOf(words);
    }

    private static String finish(StringBuilder word, int index) {
        String text = word.toString();
        if (OPERATORS.contains(text)) {
            throw new IllegalArgumentException("word " + (index + 1) + " is the shell operator '" + text
                    + "', but Conveyor runs no shell: it would reach the program as an argument. "
                    + "To use a shell, write the command as [\"sh\", \"-c\", \"...\"]");
        }
        return text;
    }
}
