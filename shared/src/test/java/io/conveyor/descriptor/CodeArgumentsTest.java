package io.conveyor.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.CodeArguments.Finding;
import io.conveyor.descriptor.CodeArguments.Interpreter;
import io.conveyor.descriptor.CodeArguments.Role;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CodeArgumentsTest {

    private static final String IN = "${CONVEYOR_INPUT}";
    private static final String P = "${threshold}";

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of(List.of("sh", "-c", "wc " + IN), List.of("2 CODE SHELL")),
                Arguments.of(List.of("bash", "-euxo", "pipefail", "-c", "wc " + IN), List.of("4 CODE SHELL")),
                Arguments.of(List.of("bash", "--norc", "-ce", "wc " + IN, "bash", P), List.of("3 CODE SHELL")),
                Arguments.of(List.of("sh", "+x", "-c", "--", "wc " + IN), List.of("4 CODE SHELL")),
                Arguments.of(List.of("busybox", "ash", "-c", "wc " + IN), List.of("3 CODE SHELL")),
                Arguments.of(List.of("tcsh", "-fc", "wc " + IN), List.of("2 CODE SHELL")),
                Arguments.of(List.of("fish", "--command=wc " + IN), List.of("1 CODE SHELL")),
                Arguments.of(List.of("sh", "-c", "echo \"$1\"", "sh", P), List.of()),
                Arguments.of(List.of("sh", "run.sh", IN, P), List.of()),
                Arguments.of(List.of("sh", IN), List.of()),
                Arguments.of(List.of("sh", "/scripts/" + P + ".sh"), List.of("1 OPTION SHELL")),
                Arguments.of(List.of("sh", "-" + P, "x"), List.of("1 OPTION SHELL")),
                Arguments.of(List.of("bash", "--rcfile", P, "-c", "true"), List.of("2 OPTION SHELL")),
                Arguments.of(List.of("python3.12", "-Bc", "print('" + IN + "')"), List.of("2 CODE PYTHON")),
                Arguments.of(List.of("python3", "-cprint('" + IN + "')"), List.of("1 CODE PYTHON")),
                Arguments.of(List.of("python3", "-W", "ignore", "-c", "print(1)", P), List.of()),
                Arguments.of(List.of("python3", "-m", P), List.of("2 OPTION PYTHON")),
                Arguments.of(List.of("python", "train.py", "-c", P), List.of()),
                Arguments.of(List.of("perl", "-i.bak", "-pe", "s/a/" + P + "/", IN), List.of("3 CODE PERL")),
                Arguments.of(List.of("perl", "-de", "0" + P), List.of("2 CODE PERL")),
                Arguments.of(List.of("perl", "-e", "print @ARGV", P), List.of("3 OPTION PERL")),
                Arguments.of(List.of("perl", "-e", "print @ARGV", "--", P), List.of()),
                Arguments.of(List.of("perl", "-M" + P, "-e", "1"), List.of("1 OPTION PERL")),
                Arguments.of(List.of("ruby", "-r", P, "run.rb"), List.of("2 OPTION RUBY")),
                Arguments.of(List.of("node", "-pe", P), List.of("2 CODE NODE")),
                Arguments.of(List.of("node", "--require", P, "app.js"), List.of("2 OPTION NODE")),
                Arguments.of(List.of("php", "-r", "echo '" + P + "';"), List.of("2 CODE PHP")),
                Arguments.of(List.of("lua", "-e", "print('" + P + "')"), List.of("2 CODE LUA")),
                Arguments.of(List.of("Rscript", "-e", "print('" + P + "')"), List.of("2 CODE R")),
                Arguments.of(List.of("gawk", "-F", ",", "-v", "t=" + P, "{print $1 > t}", IN), List.of()),
                Arguments.of(List.of("awk", "-f", "prog.awk", IN, P), List.of()),
                Arguments.of(List.of("awk", "--source", "{print \"" + P + "\"}", IN), List.of("2 CODE AWK")),
                Arguments.of(List.of("sed", "-ne", "s/a/" + P + "/p", IN), List.of("2 CODE SED")),
                Arguments.of(List.of("sed", "-i", "s/a/" + P + "/", IN), List.of("2 CODE SED")),
                Arguments.of(List.of(P, "x"), List.of("0 PROGRAM -")),
                Arguments.of(List.of(IN), List.of()),
                Arguments.of(List.of("/opt/bin/" + P), List.of("0 PROGRAM -")),
                Arguments.of(List.of("env", "A=" + P, "sh", "-c", "true"), List.of("1 OPTION SHELL")),
                Arguments.of(List.of("wc", "-l", P, IN), List.of()),
                Arguments.of(List.of("tool", "--in=" + IN, "--threshold", P), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void find_command_marksWhereAValueWouldBecomeCode(List<String> command, List<String> expected) {
        List<String> found = CodeArguments.find(command).stream().map(CodeArgumentsTest::describe).toList();

        assertThat(found).containsExactlyElementsOf(expected);
    }

    private static String describe(Finding finding) {
        Interpreter interpreter = finding.interpreter();
        return finding.index() + " " + finding.role() + " " + (interpreter == null ? "-" : interpreter.name());
    }

    @Test
    void findingMessage_code_namesTheInterpreterAndTheSafeForm() {
        Finding finding = CodeArguments.find(List.of("/bin/bash", "-c", P)).get(0);

        assertThat(finding.role()).isEqualTo(Role.CODE);
        assertThat(finding.message("threshold")).contains("(the code that /bin/bash runs)")
                .contains("use \"$threshold\" (the environment variable, in double quotes) instead of ${threshold} "
                        + "inside a shell script");
    }
}
