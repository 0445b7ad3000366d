package io.conveyor.local;

import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.descriptor.Problem;
import io.conveyor.descriptor.Validation;
import io.conveyor.pipeline.PipelineFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The descriptors of the algorithms folder (its pipeline files are {@link FolderPipelineCatalog}'s), read
 * again whenever a file in it is added, changed or removed (one
 * listing and one look at each {@code *.json} per poll): a descriptor added while {@code conveyor
 * local} runs is used from the next poll on. The listener hears of each file once per content.
 */
final class LocalDescriptors {

    private final Path folder;
    private final LocalPipeline.Listener listener;
    private final DescriptorValidator validator = new DescriptorValidator();
    /** What each file looked like when last read: its size and time of change. */
    private Map<Path, String> seen;
    /** The digest of each file when it was last told of. */
    private final Map<Path, String> told = new HashMap<>();

    LocalDescriptors(Path folder, LocalPipeline.Listener listener) {
        this.folder = folder;
        this.listener = listener;
    }

    /** The valid descriptors by name when the folder changed since the last call, else {@code null}. */
    Map<String, LocalAdmission.Algorithm> changed() throws IOException {
        Map<Path, String> now = new HashMap<>();
        for (Path file : files()) {
            try {
                now.put(file, Files.size(file) + "/" + Files.getLastModifiedTime(file).toMillis());
            } catch (java.nio.file.NoSuchFileException e) {
                // removed while looked at: the next poll sees the folder as it is then
            }
        }
        if (now.equals(seen)) {
            return null;
        }
        seen = now;
        return load();
    }

    private List<Path> files() throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("no algorithms folder at " + folder);
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".json") && Files.isRegularFile(f)).sorted().toList();
        }
    }

    private Map<String, LocalAdmission.Algorithm> load() throws IOException {
        Map<String, LocalAdmission.Algorithm> algorithms = new LinkedHashMap<>();
        for (Path file : files()) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (java.nio.file.NoSuchFileException e) {
                continue;
            }
            if (PipelineFiles.isPipeline(bytes)) {
                continue;  // FolderPipelineCatalog's to read
            }
            Validation validation = validator.validate(file.toString(), bytes);
            boolean news = !validation.sha256().equals(told.put(file, validation.sha256()));
            if (!validation.valid()) {
                if (news) {
                    listener.descriptorRejected(file, validation.errors());
                }
            } else if (algorithms.containsKey(validation.descriptor().name())) {
                if (news) {
                    listener.descriptorRejected(file, List.of(new Problem("/name", "'" + validation.descriptor().name()
                            + "' is also the name of another descriptor in " + folder)));
                }
            } else {
                algorithms.put(validation.descriptor().name(),
                        new LocalAdmission.Algorithm(validation.descriptor(), validation.sha256()));
                if (news) {
                    listener.descriptorLoaded(validation.descriptor().name(), file);
                }
            }
        }
        return algorithms;
    }
}
