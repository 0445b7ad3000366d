package io.conveyor.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AcceptedPipelineTest {

    static Path example(String name) {
        Path here = Path.of("").toAbsolutePath();
        Path root = Files.exists(here.resolve("algorithms")) ? here : here.getParent();
        return root.resolve("algorithms").resolve(name);
    }

    @Test
    void read_acceptedExamples_isThePipelineTheValidatorReads() throws IOException {
        for (String name : new String[] {"text-report.json", "csv-digest.json"}) {
            // Given a pipeline file the validator accepts
            byte[] content = Files.readAllBytes(example(name));
            PipelineValidation validated = new PipelineValidator().read(name, content);
            assertThat(validated.valid()).as(name).isTrue();

            // When it is read without the schema
            Pipeline read = AcceptedPipeline.read(name, content);

            // Then it is the same pipeline, at the same revision
            assertThat(read).as(name).isEqualTo(validated.pipeline());
            assertThat(read.revision()).isEqualTo(validated.sha256());
        }
    }

    @Test
    void read_brokenDocuments_areRefusedNamingTheSource() {
        assertThatThrownBy(() -> AcceptedPipeline.read("s3://b/algorithms/p.json",
                "{\"pipeline\": \"p\", \"pipeline\": \"q\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("s3://b/algorithms/p.json is not a pipeline: ");
        assertThatThrownBy(() -> AcceptedPipeline.read("p.json", "[1]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> AcceptedPipeline.read("p.json", ("{\"pipeline\": \"p\", \"steps\": [{\"name\": \"a\", "
                + "\"algorithm\": \"x\", \"after\": \"b\"}]}").getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("p.json is not a pipeline");
    }
}
