package io.conveyor.pipeline;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Algorithms and a lookup for the pipeline tests. */
final class PipelineTesting {

    static final DescriptorValidator DESCRIPTORS = new DescriptorValidator();
    static final PipelineValidator VALIDATOR = new PipelineValidator();

    private PipelineTesting() {
    }

    static Descriptor descriptor(String name, String parameters) {
        String json = "{\"name\": \"" + name + "\", \"image\": \"public.ecr.aws/docker/library/busybox:1.36\", "
                + "\"command\": [\"wc\", \"${CONVEYOR_INPUT}\"], \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 256}"
                + (parameters == null ? "" : ", \"parameters\": " + parameters) + "}";
        return DESCRIPTORS.validate(name + ".json", json.getBytes(StandardCharsets.UTF_8)).accepted().orElseThrow();
    }

    /** word-count, uppercase, compress (no parameters) and threshold (THRESHOLD required, MODE and API_TOKEN optional). */
    static final AlgorithmLookup ALGORITHMS = AlgorithmLookup.of(Map.of(
            "word-count", descriptor("word-count", null),
            "uppercase", descriptor("uppercase", null),
            "compress", descriptor("compress", null),
            "threshold", descriptor("threshold", "[{\"name\": \"THRESHOLD\", \"required\": true}, {\"name\": \"MODE\"},"
                    + " {\"name\": \"API_TOKEN\"}]")),
            name -> "'" + name + "' is not registered");

    static PipelineValidation validate(String json) {
        return VALIDATOR.validate("algorithms/p.json", json.getBytes(StandardCharsets.UTF_8), ALGORITHMS);
    }

    /** A pipeline named {@code scan} with these steps (a JSON array's items) and batches (or none). */
    static String pipeline(String steps, String batches) {
        return "{\"pipeline\": \"scan\", \"steps\": [" + steps + "]" + (batches == null ? "" : ", \"batches\": " + batches)
                + "}";
    }
}
