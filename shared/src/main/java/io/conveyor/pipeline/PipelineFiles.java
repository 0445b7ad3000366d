package io.conveyor.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Set;

/**
 * The one rule that tells a pipeline file from a descriptor among the files under {@code algorithms/}
 * (the bucket's prefix, the local algorithms folder): a JSON object with a top-level {@code pipeline} or
 * {@code steps} field is a pipeline, and so is the original tool's workflow request ({@code user_request.json}: a
 * top-level {@code process}, {@link UserRequest}), which {@link PipelineValidator} converts; every other file is a
 * descriptor, in either format. No descriptor format has any of these fields, so a descriptor is never read as a
 * pipeline.
 *
 * <p>The fields are looked for in the file's tokens up to its first syntax error, so a pipeline with a
 * mistake further down is still reported as a pipeline, with the pipeline's errors.
 */
public final class PipelineFiles {

    /** The top-level fields that make a file a pipeline. */
    public static final Set<String> MARKS = Set.of("pipeline", "steps", "process");

    private static final JsonFactory JSON = new JsonFactory();

    private PipelineFiles() {
    }

    /** Whether {@code content} is (meant as) a pipeline rather than a descriptor. */
    public static boolean isPipeline(byte[] content) {
        try (JsonParser parser = JSON.createParser(content)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                if (MARKS.contains(parser.currentName())) {
                    return true;
                }
                parser.nextToken();
                parser.skipChildren();
            }
            return false;
        } catch (IOException e) {
            return false;  // not JSON from here on: a descriptor, unless a mark came before
        }
    }
}
