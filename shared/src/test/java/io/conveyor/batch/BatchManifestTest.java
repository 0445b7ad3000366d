package io.conveyor.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code _manifest.json}: what it may say, and errors that name the field. */
class BatchManifestTest {

    @Test
    void parse_namesSizesAndChecksums_keepsThemInOrder() throws Exception {
        // Given a manifest with a size, a checksum in capitals, and a bare name
        String text = "{\"files\": [{\"name\": \"a.csv\", \"size\": 123, \"sha256\": \"" + "AB".repeat(32) + "\"},"
                + " {\"name\": \"b.csv\"}]}";

        // When parsed
        BatchManifest manifest = BatchManifest.parse(text);

        // Then each file is listed as written, checksum in lowercase
        assertThat(manifest.files()).containsExactly(new BatchManifest.Expected("a.csv", 123L, "ab".repeat(32)),
                new BatchManifest.Expected("b.csv", null, null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"files\": [{\"name\": \"..\"}]}|files[0].name: \"..\" is not a file name",
        "{\"files\": [{\"name\": \"a/b.csv\"}]}|files[0].name: \"a/b.csv\" must be a plain file name (no / or \\)",
        "{\"files\": [{\"name\": \"a\\u0007.csv\"}]}|files[0].name: contains a control character",
        "{\"files\": [{\"name\": \"a.csv\"}, {\"name\": \"a.csv\"}]}|files[1].name: \"a.csv\" is listed twice",
        "{\"files\": [{\"name\": \"_COMPLETE\"}]}|files[0].name: \"_COMPLETE\" is a control file of the batch, not an input",
        "{\"files\": [{\"name\": \"a.csv\", \"sha265\": \"x\"}]}|files[0].\"sha265\": unknown field (name, size, sha256)",
        "{\"files\": [{\"name\": \"a.csv\", \"size\": 1.5}]}|files[0].size: must be a whole number of bytes, 0 or more",
        "{\"files\": [{\"name\": \"a.csv\", \"sha256\": \"abc\"}]}|files[0].sha256: must be 64 hexadecimal digits",
        "{\"files\": [{\"size\": 3}]}|files[0].name: required, a file name",
        "{\"files\": \"a.csv\"}|files: must be an array of {\"name\", \"size\", \"sha256\"}",
        "{\"file\": []}|\"file\": unknown field (the manifest has only \"files\")",
        "[1]|must be a JSON object with a \"files\" array",
    })
    void parse_malformed_errorNamesTheField(String text, String expected) {
        // Given a malformed manifest; When parsed; Then the error names the manifest and the field
        assertThatThrownBy(() -> BatchManifest.parse(text)).isInstanceOf(BatchManifest.MalformedManifestException.class)
                .hasMessage("_manifest.json: " + expected);
    }

    @Test
    void parse_notJson_saysWhereItBroke() {
        // Given text that is not JSON; When parsed; Then the error gives line and column
        assertThatThrownBy(() -> BatchManifest.parse("{\"files\": [")).hasMessageStartingWith("_manifest.json: not JSON: line 1");
    }
}
