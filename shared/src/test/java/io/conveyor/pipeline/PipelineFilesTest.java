package io.conveyor.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PipelineFilesTest {

    private static boolean isPipeline(String text) {
        return PipelineFiles.isPipeline(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void isPipeline_bundledFiles_onlyThePipelinesAre() throws IOException {
        // Given the bundled algorithms folder: descriptors in both formats, and pipelines
        Path folder = Path.of("..", "algorithms");
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                // When each is told apart
                boolean pipeline = PipelineFiles.isPipeline(Files.readAllBytes(file));

                // Then exactly the files that start with "pipeline" are pipelines
                assertThat(pipeline).as(file.toString()).isEqualTo(Files.readString(file).contains("\"pipeline\":"));
            }
        }
    }

    @Test
    void isPipeline_markAfterNestedValuesOrBeforeASyntaxError_found() {
        // Given marks after nested values, and a mark before broken JSON
        // When they are told apart
        // Then each is a pipeline
        assertThat(isPipeline("{\"batches\": {\"pipeline\": 1, \"x\": [{}]}, \"steps\": []}")).isTrue();
        assertThat(isPipeline("{\"pipeline\": \"scan\", \"steps\": [ oops")).isTrue();
    }

    @Test
    void isPipeline_descriptorsAndNonsense_areNot() {
        // Given a descriptor with a nested 'pipeline' key, broken JSON, an array, and nothing
        // When they are told apart
        // Then none is a pipeline
        assertThat(isPipeline("{\"name\": \"x\", \"environment\": {\"pipeline\": \"1\", \"steps\": \"2\"}}")).isFalse();
        assertThat(isPipeline("{\"name\": oops, \"pipeline\": \"x\"}")).isFalse();
        assertThat(isPipeline("[{\"pipeline\": \"x\"}]")).isFalse();
        assertThat(isPipeline("")).isFalse();
    }
}
