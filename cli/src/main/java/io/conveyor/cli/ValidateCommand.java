package io.conveyor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conveyor.descriptor.Chains;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.descriptor.Problem;
import io.conveyor.descriptor.Validation;
import io.conveyor.json.Json;
import io.conveyor.pipeline.PipelineFiles;
import io.conveyor.pipeline.PipelineValidation;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.registration.WrapSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code conveyor validate [--explain] FILE|DIR...}: checks descriptors and pipelines as registration would,
 * files against each other too (names, chains, {@code then} steps and pipeline steps that name no
 * descriptor given or beside them); a folder stands for its {@code *.json} files. Prints {@code OK FILE}, or {@code FILE: /path: message}
 * per error; with {@code --explain}, the normalized descriptor and the task definition it would
 * register (a dry run, no AWS).
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = ValidateCommand.SUMMARY)
final class ValidateCommand implements Callable<Integer> {

    /** What {@code conveyor help} says of it, without building it. */
    static final String SUMMARY = "Check algorithm descriptors (current or legacy format) and pipelines, as "
            + "registration would.";

    @Option(names = "--explain", description = "also print the normalized descriptor and the ECS task definition it "
            + "would register, as JSON on stdout, or, when pipelines are given, each pipeline's steps as text (the "
            + "verdicts go to stderr); no AWS")
    boolean explain;
    @Parameters(paramLabel = "FILE|DIR", arity = "1..*", description = "descriptor and pipeline files, or folders of them (their *.json)")
    List<String> files = new ArrayList<>();

    /** Stand-ins for what only a deployed stack knows. */
    static final WrapSettings EXPLAIN_SETTINGS = new WrapSettings("<stack>", "<TaskRoleArn>", "<ExecutionRoleArn>",
            "<TaskLogGroupName>", "<region>", "public.ecr.aws/aws-cli/aws-cli:2.22.35");

    /** Made on first use (Jackson's start is slow; help and usage errors need none of it). */
    private static final class Pretty {
        static final ObjectMapper MAPPER = Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private final PrintStream out;
    private final PrintStream err;

    ValidateCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** 0 all valid, 1 any invalid, 2 a file could not be read (or a wrong command line). */
    @Override
    public Integer call() throws UsageException {
        List<String> given = List.copyOf(files);
        boolean several = given.size() > 1 || Files.isDirectory(Path.of(given.get(0)));
        List<String> files = expandFolders(given);
        if (files.isEmpty()) {
            err.println("conveyor validate: no *.json descriptor in " + String.join(", ", given));
            return 2;
        }
        DescriptorValidator validator = new DescriptorValidator();
        boolean unreadable = false;
        Map<String, Validation> validations = new LinkedHashMap<>();
        Map<String, byte[]> pipelineFiles = new LinkedHashMap<>();
        List<String> readable = new ArrayList<>();
        for (String file : files) {
            try {
                byte[] bytes = Files.readAllBytes(Path.of(file));
                readable.add(file);
                if (PipelineFiles.isPipeline(bytes)) {
                    pipelineFiles.put(file, bytes);
                } else {
                    validations.put(file, validator.validate(file, bytes));
                }
            } catch (NoSuchFileException e) {
                err.println("conveyor: cannot read " + file + ": no such file");
                unreadable = true;
            } catch (IOException e) {
                err.println("conveyor: cannot read " + file + ": " + e.getMessage());
                unreadable = true;
            }
        }
        Map<String, Descriptor> beside = siblings(readable, validator);
        Map<String, List<Problem>> crossErrors = crossCheck(validations, beside);
        Map<String, PipelineValidation> pipelines = PipelineFileChecks.validate(pipelineFiles,
                PipelineFileChecks.lookup(validations, beside));
        // With --explain, stdout holds only the explanations; the verdicts go to stderr.
        PrintStream report = explain ? err : out;
        boolean invalid = false;
        com.fasterxml.jackson.databind.node.ArrayNode explained = Json.mapper().createArrayNode();
        for (String file : readable) {
            List<Problem> errors = new ArrayList<>();
            List<Problem> warnings = new ArrayList<>();
            Validation validation = validations.get(file);
            if (validation != null) {
                errors.addAll(validation.errors());
                errors.addAll(crossErrors.getOrDefault(file, List.of()));
                warnings.addAll(validation.warnings());
            } else {
                errors.addAll(pipelines.get(file).errors());
                warnings.addAll(pipelines.get(file).warnings());
            }
            if (errors.isEmpty()) {
                report.println("OK " + file);
            } else {
                invalid = true;
                errors.forEach(problem -> report.println(file + ": " + problem));
            }
            warnings.forEach(problem -> report.println(file + ": " + (problem.path().isEmpty() ? "/" : problem.path())
                    + ": warning: " + problem.message()));
            if (explain && errors.isEmpty() && validation != null) {
                explained.add(explanation(file, validation));
            }
        }
        if (explain && !pipelines.isEmpty()) {
            // Pipelines are explained as text; descriptors given with them are only checked.
            out.print(PipelineFileChecks.explain(pipelines.values()));
        } else if (explain) {
            // One JSON document: the object of the one file given, else an array of them.
            out.println(pretty(several ? explained : explained.isEmpty() ? Json.mapper().nullNode() : explained.get(0)));
        }
        return unreadable ? 2 : invalid ? 1 : 0;
    }

    /** The files given, with each folder replaced by its {@code *.json} files, in order. */
    private static List<String> expandFolders(List<String> given) throws UsageException {
        List<String> files = new ArrayList<>();
        for (String name : given) {
            Path path = Path.of(name);
            if (!Files.isDirectory(path)) {
                files.add(name);
                continue;
            }
            try (java.util.stream.Stream<Path> listed = Files.list(path)) {
                listed.filter(f -> f.toString().endsWith(".json") && Files.isRegularFile(f)).sorted()
                        .forEach(f -> files.add(f.toString()));
            } catch (IOException e) {
                throw new UsageException("cannot list " + name + ": " + e.getMessage(), e);
            }
        }
        return files;
    }

    /**
     * The valid descriptors in the folders of the files given, by name, which a {@code then} or a
     * pipeline's step may name too (the local mode's algorithms folder is such a folder).
     */
    private static Map<String, Descriptor> siblings(List<String> files, DescriptorValidator validator) {
        Map<String, Descriptor> byName = new HashMap<>();
        java.util.Set<Path> folders = new java.util.LinkedHashSet<>();
        files.forEach(file -> folders.add(Path.of(file).toAbsolutePath().getParent()));
        for (Path folder : folders) {
            try (java.util.stream.Stream<Path> listed = Files.list(folder)) {
                for (Path file : listed.filter(f -> f.toString().endsWith(".json") && Files.isRegularFile(f)).toList()) {
                    byte[] bytes = Files.readAllBytes(file);
                    if (!PipelineFiles.isPipeline(bytes)) {
                        validator.validate(file.toString(), bytes).accepted().ifPresent(d -> byName.putIfAbsent(d.name(), d));
                    }
                }
            } catch (IOException e) {
                // a folder that cannot be listed offers no names
            }
        }
        return byName;
    }

    /**
     * Names used twice, chains that lead back, and {@code then} steps naming no descriptor given or
     * beside them, among the valid files given together.
     */
    private static Map<String, List<Problem>> crossCheck(Map<String, Validation> validations,
                                                         Map<String, Descriptor> beside) {
        Map<String, List<Problem>> errors = new HashMap<>();
        Map<String, String> fileOfName = new HashMap<>();
        Map<String, Descriptor> byName = new HashMap<>();
        validations.forEach((file, validation) -> validation.accepted().ifPresent(descriptor -> {
            String first = fileOfName.putIfAbsent(descriptor.name(), file);
            if (first != null) {
                errors.computeIfAbsent(file, f -> new ArrayList<>()).add(new Problem("/name", "'" + descriptor.name()
                        + "' is also the name in " + first + "; names are unique"));
            } else {
                byName.put(descriptor.name(), descriptor);
            }
        }));
        byName.forEach((name, descriptor) -> {
            List<Problem> cycles = Chains.leadingBack(descriptor,
                    next -> byName.containsKey(next) ? byName.get(next).then()
                            : beside.containsKey(next) ? beside.get(next).then() : List.of());
            if (!cycles.isEmpty()) {
                errors.computeIfAbsent(fileOfName.get(name), f -> new ArrayList<>()).addAll(cycles);
            }
            for (int i = 0; i < descriptor.then().size(); i++) {
                String next = descriptor.then().get(i);
                if (!byName.containsKey(next) && !beside.containsKey(next)) {
                    errors.computeIfAbsent(fileOfName.get(name), f -> new ArrayList<>()).add(new Problem("/then/" + i,
                            "'" + next + "' is no valid descriptor given or in the same folder; validate the"
                                    + " descriptors of a chain together (conveyor validate DIR)"));
                }
            }
        });
        return errors;
    }

    private static ObjectNode explanation(String file, Validation validation) {
        ObjectNode explained = Json.mapper().createObjectNode();
        explained.put("file", file);
        explained.put("format", validation.format().name().toLowerCase());
        explained.put("sha256", validation.sha256());
        explained.set("descriptor", Json.mapper().valueToTree(validation.descriptor()));
        explained.set("taskDefinition", Json.mapper().valueToTree(
                TaskDefinitionWrapper.wrap(validation.descriptor(), validation.sha256(), EXPLAIN_SETTINGS)));
        return explained;
    }

    private static String pretty(com.fasterxml.jackson.databind.JsonNode json) {
        try {
            return Pretty.MAPPER.writeValueAsString(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
