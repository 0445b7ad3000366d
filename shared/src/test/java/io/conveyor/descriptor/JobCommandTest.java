package io.conveyor.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobCommandTest {

    private static final String IN = "${CONVEYOR_INPUT}";
    private static final String P = "${threshold}";

    @Test
    void of_codeWord_isLeftForTheShellToReadFromTheEnvironment() {
        // Given a descriptor accepted before the rule: a placeholder inside a script, another as an argument
        List<String> command = List.of("sh", "-c", "wc \"" + IN + "\" --t=" + P, "sh", IN);
        Map<String, String> values = Map.of("CONVEYOR_INPUT", "/in/q\";id>x;\".txt", "threshold", "1; id");

        // When
        JobCommand job = JobCommand.of(command, Map.of("LABEL", "t=" + P, "BASH_ENV", P), values);

        // Then the script is not pasted into; the argument is; every value is a variable of its name
        assertThat(job.command()).containsExactly("sh", "-c", "wc \"" + IN + "\" --t=" + P, "sh", "/in/q\";id>x;\".txt");
        assertThat(job.environment()).containsEntry("CONVEYOR_INPUT", "/in/q\";id>x;\".txt")
                .containsEntry("threshold", "1; id").containsEntry("LABEL", "t=1; id").containsEntry("BASH_ENV", P);
    }

    @Test
    void of_ordinaryWordsAndVariables_getTheValuesPastedInAsOneWordEach() {
        JobCommand job = JobCommand.of(List.of("wc", "--in=" + IN, P), Map.of("MODE", "fast " + P),
                Map.of("CONVEYOR_INPUT", "/in/a b.txt", "threshold", "$(id)"));

        assertThat(job.command()).containsExactly("wc", "--in=/in/a b.txt", "$(id)");
        assertThat(job.environment()).containsOnly(Map.entry("MODE", "fast $(id)"),
                Map.entry("CONVEYOR_INPUT", "/in/a b.txt"), Map.entry("threshold", "$(id)"));
    }
}
