package io.conveyor.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.json.Json;
import io.conveyor.pipeline.BatchRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A batch's {@code _manifest.json}: the files the batch is to hold, each optionally with its size in bytes
 * and its SHA-256 (64 hex digits). The format:
 * <pre>{"files": [{"name": "a.csv", "size": 123, "sha256": "9f86d0…"}, {"name": "b.csv"}]}</pre>
 * Names are plain file names in the batch's folder: no {@code /}, no {@code \}, not {@code .} or {@code ..},
 * no control characters, not a control file's name, each once. Other fields are refused, so a misspelt
 * {@code "sha265"} is not silently ignored.
 *
 * @param files the files listed, in the order written
 */
public record BatchManifest(List<Expected> files) {

    /** The longest manifest read, in bytes. */
    public static final int MAX_BYTES = 1 << 20;

    /**
     * One file the manifest lists.
     *
     * @param name   its plain file name
     * @param size   its size in bytes, or {@code null} when not listed
     * @param sha256 its SHA-256 in lowercase hex, or {@code null} when not listed
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Expected(String name, Long size, String sha256) {
        public Expected {
            Objects.requireNonNull(name, "name");
        }

        /** Why {@code file} is not the file listed, or {@code null} when it is. */
        public String mismatch(BatchFile file) {
            if (size != null && file.size() != size) {
                return name + " is " + file.size() + " bytes, " + BatchRule.MANIFEST + " says " + size;
            }
            if (sha256 != null && file.sha256() == null) {
                return name + ": its SHA-256 is not known, " + BatchRule.MANIFEST + " lists one";
            }
            if (sha256 != null && !sha256.equals(file.sha256())) {
                return name + " has SHA-256 " + file.sha256() + ", " + BatchRule.MANIFEST + " says " + sha256;
            }
            return null;
        }
    }

    public BatchManifest {
        files = List.copyOf(files);
    }

    /** A manifest that cannot be read, with what is wrong, naming the field. */
    public static final class MalformedManifestException extends Exception {
        public MalformedManifestException(String message) {
            super(BatchRule.MANIFEST + ": " + message);
        }
    }

    /** Parses a manifest's text; every error names the field ({@code files[2].size}) and the rule. */
    public static BatchManifest parse(String text) throws MalformedManifestException {
        if (text.length() > MAX_BYTES) {
            throw new MalformedManifestException("longer than " + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new MalformedManifestException("not JSON: " + Json.describe(e));
        }
        if (root == null || !root.isObject()) {
            throw new MalformedManifestException("must be a JSON object with a \"files\" array");
        }
        for (String field : iterable(root.fieldNames())) {
            if (!field.equals("files")) {
                throw new MalformedManifestException(quoted(field) + ": unknown field (the manifest has only \"files\")");
            }
        }
        JsonNode files = root.get("files");
        if (files == null || !files.isArray()) {
            throw new MalformedManifestException("files: must be an array of {\"name\", \"size\", \"sha256\"}");
        }
        List<Expected> expected = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < files.size(); i++) {
            Expected file = expected(files.get(i), "files[" + i + "]");
            if (!names.add(file.name())) {
                throw new MalformedManifestException("files[" + i + "].name: " + quoted(file.name()) + " is listed twice");
            }
            expected.add(file);
        }
        return new BatchManifest(expected);
    }

    private static Expected expected(JsonNode node, String path) throws MalformedManifestException {
        if (!node.isObject()) {
            throw new MalformedManifestException(path + ": must be an object {\"name\", \"size\", \"sha256\"}");
        }
        for (String field : iterable(node.fieldNames())) {
            if (!Set.of("name", "size", "sha256").contains(field)) {
                throw new MalformedManifestException(path + "." + quoted(field) + ": unknown field (name, size, sha256)");
            }
        }
        JsonNode name = node.get("name");
        if (name == null || !name.isTextual()) {
            throw new MalformedManifestException(path + ".name: required, a file name");
        }
        String problem = fileNameProblem(name.asText());
        if (problem != null) {
            throw new MalformedManifestException(path + ".name: " + problem);
        }
        Long size = null;
        JsonNode sizeNode = node.get("size");
        if (sizeNode != null && !sizeNode.isNull()) {
            if (!sizeNode.isIntegralNumber() || !sizeNode.canConvertToLong() || sizeNode.asLong() < 0) {
                throw new MalformedManifestException(path + ".size: must be a whole number of bytes, 0 or more");
            }
            size = sizeNode.asLong();
        }
        String sha256 = null;
        JsonNode shaNode = node.get("sha256");
        if (shaNode != null && !shaNode.isNull()) {
            if (!shaNode.isTextual() || !shaNode.asText().matches("[0-9a-fA-F]{64}")) {
                throw new MalformedManifestException(path + ".sha256: must be 64 hexadecimal digits");
            }
            sha256 = shaNode.asText().toLowerCase(Locale.ROOT);
        }
        return new Expected(name.asText(), size, sha256);
    }

    /**
     * Why a name is not a plain file name of a batch folder, or {@code null} when it is one: the rule for
     * manifest entries and for batch names alike.
     */
    public static String fileNameProblem(String name) {
        if (name.isEmpty()) {
            return "empty";
        }
        if (name.equals(".") || name.equals("..")) {
            return quoted(name) + " is not a file name";
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return quoted(name) + " must be a plain file name (no / or \\)";
        }
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "contains a control character";
        }
        if (name.length() > 255) {
            return "longer than 255 characters";
        }
        if (BatchRule.isBatchControl(name)) {
            return quoted(name) + " is a control file of the batch, not an input";
        }
        return null;
    }

    private static String quoted(String text) {
        return "\"" + text.chars().mapToObj(c -> c < 0x20 || c == 0x7f ? String.format("\\u%04x", c)
                : String.valueOf((char) c)).reduce("", String::concat) + "\"";
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
        return () -> iterator;
    }
}
