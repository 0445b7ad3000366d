package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.Problem;
import io.conveyor.pipeline.StepInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderPipelineCatalogTest {

    private static final String WC = "{\"name\": \"wc\", \"image\": \"busybox:1.36\", \"command\": [\"wc\"],"
            + " \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 256}}";

    private final List<String> heard = new ArrayList<>();
    private final FolderPipelineCatalog.Listener listener = new FolderPipelineCatalog.Listener() {
        @Override
        public void pipelineLoaded(String name, Path file) {
            heard.add("loaded " + name);
        }

        @Override
        public void pipelineRejected(Path file, List<Problem> errors) {
            heard.add("rejected " + file.getFileName() + " " + errors);
        }
    };

    @Test
    void pipeline_folderWithDescriptorsAndPipelines_servesTheValidOnesAndReportsEachFileOnce(@TempDir Path dir)
            throws Exception {
        // Given a descriptor, a valid pipeline over it and one over an algorithm that is not there
        Files.writeString(dir.resolve("wc.json"), WC);
        Files.writeString(dir.resolve("scan.json"), "{\"pipeline\": \"scan\", \"steps\": [{\"name\": \"a\", "
                + "\"algorithm\": \"wc\"}, {\"name\": \"b\", \"algorithm\": \"wc\", \"after\": \"a\"}]}");
        Files.writeString(dir.resolve("broken.json"), "{\"pipeline\": \"broken\", \"steps\": [{\"name\": \"a\", "
                + "\"algorithm\": \"gone\"}]}");
        FolderPipelineCatalog catalog = new FolderPipelineCatalog(dir, listener);

        // When pipelines are looked up, twice
        var scan = catalog.pipeline("scan");
        var broken = catalog.pipeline("broken");
        catalog.pipeline("scan");

        // Then the valid one is served, the invalid one is not, and each file was told of once
        assertThat(scan).hasValueSatisfying(p -> assertThat(p.step("b").orElseThrow().input())
                .isEqualTo(new StepInput.OutputsOf("a")));
        assertThat(broken).isEmpty();
        assertThat(heard).containsExactly("rejected broken.json [/steps/0/algorithm: 'gone' is no valid descriptor in "
                + dir + "]", "loaded scan");
        assertThat(catalog.validations()).hasSize(2);
    }

    @Test
    void pipeline_descriptorRemoved_pipelineNoLongerServed(@TempDir Path dir) throws Exception {
        // Given a valid pipeline, looked up once
        Files.writeString(dir.resolve("wc.json"), WC);
        Files.writeString(dir.resolve("scan.json"), "{\"pipeline\": \"scan\", \"steps\": [{\"name\": \"a\", "
                + "\"algorithm\": \"wc\"}]}");
        FolderPipelineCatalog catalog = new FolderPipelineCatalog(dir, listener);
        assertThat(catalog.pipeline("scan")).isPresent();

        // When its algorithm's descriptor is removed
        Files.delete(dir.resolve("wc.json"));

        // Then the folder is read again and the pipeline is rejected
        assertThat(catalog.pipeline("scan")).isEmpty();
        assertThat(heard).last().asString().startsWith("rejected scan.json");
    }
}
