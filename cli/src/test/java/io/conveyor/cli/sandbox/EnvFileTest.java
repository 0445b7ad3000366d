package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvFileTest {

    private static SandboxStack stack() {
        return new SandboxStack("sandbox", "us-east-1", "123456789012", List.of(
                new SandboxStack.Resource("InputBucket", "AWS::S3::Bucket", "sandbox-123456789012-us-east-1-in", Map.of()),
                new SandboxStack.Resource("OutputBucket", "AWS::S3::Bucket", "sandbox-123456789012-us-east-1-out", Map.of())),
                List.of());
    }

    @Test
    void of_stackOnAnEmulator_givesTheVariablesInOrder() {
        EnvFile env = EnvFile.of(stack(), URI.create("http://127.0.0.1:5000"));

        assertThat(env.lines()).containsExactly(
                "AWS_ENDPOINT_URL=http://127.0.0.1:5000",
                "AWS_REGION=us-east-1",
                "AWS_DEFAULT_REGION=us-east-1",
                "AWS_ACCESS_KEY_ID=test",
                "AWS_SECRET_ACCESS_KEY=test",
                "CONVEYOR_INPUT_BUCKET=sandbox-123456789012-us-east-1-in",
                "CONVEYOR_OUTPUT_BUCKET=sandbox-123456789012-us-east-1-out",
                "CONVEYOR_STACK=sandbox");
    }

    @Test
    void read_whatWriteWrote_givesTheSameVariables(@TempDir Path dir) throws IOException {
        EnvFile written = EnvFile.of(stack(), URI.create("http://127.0.0.1:5000"));
        Path file = dir.resolve("sandbox.env");

        written.write(file);

        assertThat(Files.readString(file)).isEqualTo(String.join("\n", written.lines()) + "\n");
        assertThat(EnvFile.read(file)).isEqualTo(written);
        assertThat(EnvFile.read(file).get(EnvFile.INPUT_BUCKET)).isEqualTo("sandbox-123456789012-us-east-1-in");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void read_lineWithoutEquals_namesFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sandbox.env");
        Files.writeString(file, "# comment\n\nAWS_REGION=us-east-1\nnot a variable\n");

        assertThatThrownBy(() -> EnvFile.read(file)).hasMessageContaining(file + ", line 4: expected KEY=value");
    }
}
