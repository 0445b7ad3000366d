package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskFolderTest {

    static final TaskFolder FOLDER = TaskFolder.of(Path.of("/tmp/sandbox-tasks"), "7f0ad1d2");

    @Test
    void map_pathsUnderTheMount_landInTheTasksVolume() {
        assertThat(FOLDER.map("/conveyor/input/notes.txt")).isEqualTo("/tmp/sandbox-tasks/7f0ad1d2/volume/input/notes.txt");
        assertThat(FOLDER.map("/conveyor")).isEqualTo("/tmp/sandbox-tasks/7f0ad1d2/volume");
        assertThat(FOLDER.map("/conveyor/output")).isEqualTo("/tmp/sandbox-tasks/7f0ad1d2/volume/output");
    }

    @Test
    void map_otherValues_stayAsTheyAre() {
        assertThat(FOLDER.map("/conveyorx/input")).isEqualTo("/conveyorx/input");
        assertThat(FOLDER.map("--out=/conveyor/output")).isEqualTo("--out=/conveyor/output");
        assertThat(FOLDER.map("data/conveyor/x")).isEqualTo("data/conveyor/x");
        assertThat(FOLDER.map("wc")).isEqualTo("wc");
        assertThat(FOLDER.map((String) null)).isNull();
    }

    @Test
    void map_wordsAndEnvironment_eachMappedAndStillOneWord() {
        assertThat(FOLDER.map(List.of("wc", "-w", "/conveyor/input/a b.txt")))
                .containsExactly("wc", "-w", "/tmp/sandbox-tasks/7f0ad1d2/volume/input/a b.txt");
        assertThat(FOLDER.map(Map.of("CONVEYOR_OUTPUT_DIR", "/conveyor/output", "MODE", "fast")))
                .containsOnly(Map.entry("CONVEYOR_OUTPUT_DIR", "/tmp/sandbox-tasks/7f0ad1d2/volume/output"),
                        Map.entry("MODE", "fast"));
    }

    @Test
    void script_namesTheVolumeThroughItsVariableNeverItsPath() {
        String script = "case \"$CONVEYOR_INPUT\" in /conveyor/input/*) ;; *) echo \"must lie under /conveyor/input\" >&2;; esac\n"
                + "touch /conveyor/.staged\n[ -f /conveyor/.staged ] || exit 65\necho /conveyorx a/conveyor";

        String mapped = FOLDER.script(script);

        assertThat(mapped).isEqualTo("case \"$CONVEYOR_INPUT\" in ${CONVEYOR_SANDBOX_VOLUME}/input/*) ;; *) echo "
                + "\"must lie under ${CONVEYOR_SANDBOX_VOLUME}/input\" >&2;; esac\n"
                + "touch ${CONVEYOR_SANDBOX_VOLUME}/.staged\n[ -f ${CONVEYOR_SANDBOX_VOLUME}/.staged ] || exit 65\n"
                + "echo /conveyorx a/conveyor");
        assertThat(mapped).doesNotContain("/tmp/sandbox-tasks");
        assertThat(FOLDER.scriptEnvironment()).containsOnly(
                Map.entry(TaskFolder.VOLUME_VARIABLE, "/tmp/sandbox-tasks/7f0ad1d2/volume"));
    }

    @Test
    void script_aFolderAShellWouldSplit_isRefused() {
        TaskFolder spaced = TaskFolder.of(Path.of("/tmp/my tasks"), "t1");

        assertThat(spaced.plain()).isFalse();
        assertThatThrownBy(() -> spaced.script("touch /conveyor/.staged")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/tmp/my tasks/t1/volume");
        assertThat(TaskFolder.of(Path.of("/tmp/a*"), "t1").plain()).isFalse();
    }
}
