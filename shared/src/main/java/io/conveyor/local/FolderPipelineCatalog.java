package io.conveyor.local;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.descriptor.Problem;
import io.conveyor.pipeline.AlgorithmLookup;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.PipelineCatalog;
import io.conveyor.pipeline.PipelineFiles;
import io.conveyor.pipeline.PipelineValidation;
import io.conveyor.pipeline.PipelineValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The pipelines of the local algorithms folder: each {@code *.json} file that {@link PipelineFiles} calls a
 * pipeline, validated against the folder's valid descriptors. The folder is read again when a file in it
 * is added, changed or removed (one listing and one look at each file per call otherwise); the listener
 * hears of each pipeline file once per content and verdict.
 */
public final class FolderPipelineCatalog implements PipelineCatalog {

    /** Hears what became of each pipeline file. */
    public interface Listener {
        /** A valid pipeline, from {@code file}. */
        default void pipelineLoaded(String name, Path file) {
        }

        /** An invalid pipeline file, with every error. */
        default void pipelineRejected(Path file, List<Problem> errors) {
        }
    }

    private final Path folder;
    private final Listener listener;
    private final DescriptorValidator descriptors = new DescriptorValidator();
    private final PipelineValidator validator = new PipelineValidator();
    private final Map<Path, String> told = new HashMap<>();
    private Map<Path, String> seen;
    private List<PipelineValidation> validations = List.of();
    private Map<String, Pipeline> valid = Map.of();

    public FolderPipelineCatalog(Path folder, Listener listener) {
        this.folder = folder;
        this.listener = listener;
    }

    /** The valid pipeline of that name in the folder as it is now. */
    @Override
    public synchronized Optional<Pipeline> pipeline(String name) {
        refresh();
        return Optional.ofNullable(valid.get(name));
    }

    /** Every pipeline file of the folder as it is now, valid or not, in file name order. */
    public synchronized List<PipelineValidation> validations() {
        refresh();
        return validations;
    }

    private void refresh() {
        try {
            Map<Path, String> now = new HashMap<>();
            for (Path file : files()) {
                try {
                    now.put(file, Files.size(file) + "/" + Files.getLastModifiedTime(file).toMillis());
                } catch (NoSuchFileException e) {
                    // removed while looked at: the next call sees the folder as it is then
                }
            }
            if (!now.equals(seen)) {
                load();
                seen = now;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the algorithms folder " + folder + ": " + e.getMessage(), e);
        }
    }

    private List<Path> files() throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".json") && Files.isRegularFile(f)).sorted().toList();
        }
    }

    private void load() throws IOException {
        Map<Path, byte[]> pipelineFiles = new LinkedHashMap<>();
        Map<String, Descriptor> algorithms = new HashMap<>();
        for (Path file : files()) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                continue;
            }
            if (PipelineFiles.isPipeline(bytes)) {
                pipelineFiles.put(file, bytes);
            } else {
                descriptors.validate(file.toString(), bytes).accepted().ifPresent(d -> algorithms.putIfAbsent(d.name(), d));
            }
        }
        AlgorithmLookup lookup = AlgorithmLookup.of(algorithms, name -> "'" + name + "' is no valid descriptor in "
                + folder);
        List<PipelineValidation> all = new ArrayList<>();
        Map<String, Pipeline> byName = new LinkedHashMap<>();
        Map<String, Path> fileOfName = new HashMap<>();
        for (Map.Entry<Path, byte[]> entry : pipelineFiles.entrySet()) {
            Path file = entry.getKey();
            PipelineValidation validation = validator.validate(file.toString(), entry.getValue(), lookup);
            if (validation.valid() && fileOfName.containsKey(validation.pipeline().name())) {
                validation = PipelineValidation.rejected(validation.source(), validation.sha256(), List.of(new Problem(
                        "/pipeline", "'" + validation.pipeline().name() + "' is also the pipeline in "
                        + fileOfName.get(validation.pipeline().name()) + "; names are unique")), validation.warnings());
            }
            all.add(validation);
            // Told again when its content changed, or its verdict (an algorithm it names came or went).
            String verdict = validation.sha256() + validation.errors();
            boolean news = !verdict.equals(told.put(file, verdict));
            if (validation.valid()) {
                byName.put(validation.pipeline().name(), validation.pipeline());
                fileOfName.put(validation.pipeline().name(), file);
                if (news) {
                    listener.pipelineLoaded(validation.pipeline().name(), file);
                }
            } else if (news) {
                listener.pipelineRejected(file, validation.errors());
            }
        }
        validations = List.copyOf(all);
        valid = Map.copyOf(byName);
    }
}
