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
 * {@code conveyor validate [--explain] FILE...}: checks descriptors as registration would, files
 * against each other too (names, chains). Prints {@code OK FILE}, or {@code FILE: /path: message}
 * per error; with {@code --explain}, the normalized descriptor and the task definition it would
 * register (a dry run, no AWS).
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check algorithm descriptors (current or legacy format), as registration would.")
final class ValidateCommand implements Callable<Integer> {

    @Option(names = "--explain", description = "also print the normalized descriptor and the ECS task definition it "
            + "would register, as JSON on stdout (the verdicts go to stderr); no AWS")
    boolean explain;
    @Parameters(paramLabel = "FILE", arity = "1..*", description = "descriptor files")
    List<String> files = new ArrayList<>();

    /** Stand-ins for what only a deployed stack knows. */
    static final WrapSettings EXPLAIN_SETTINGS = new WrapSettings("<stack>", "<TaskRoleArn>", "<ExecutionRoleArn>",
            "<TaskLogGroupName>", "<region>", "public.ecr.aws/aws-cli/aws-cli:2.22.35");

    private static final ObjectMapper PRETTY = Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);

    private final PrintStream out;
    private final PrintStream err;

    ValidateCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** 0 all valid, 1 any invalid, 2 a file could not be read (or a wrong command line). */
    @Override
    public Integer call() {
        DescriptorValidator validator = new DescriptorValidator();
        boolean unreadable = false;
        Map<String, Validation> validations = new LinkedHashMap<>();
        for (String file : files) {
            try {
                validations.put(file, validator.validate(file, Files.readAllBytes(Path.of(file))));
            } catch (NoSuchFileException e) {
                err.println("conveyor: cannot read " + file + ": no such file");
                unreadable = true;
            } catch (IOException e) {
                err.println("conveyor: cannot read " + file + ": " + e.getMessage());
                unreadable = true;
            }
        }
        Map<String, List<Problem>> crossErrors = crossCheck(validations);
        // With --explain, stdout holds only the JSON; the verdicts go to stderr.
        PrintStream report = explain ? err : out;
        boolean invalid = false;
        for (Map.Entry<String, Validation> entry : validations.entrySet()) {
            String file = entry.getKey();
            Validation validation = entry.getValue();
            List<Problem> errors = new ArrayList<>(validation.errors());
            errors.addAll(crossErrors.getOrDefault(file, List.of()));
            if (errors.isEmpty()) {
                report.println("OK " + file);
            } else {
                invalid = true;
                errors.forEach(problem -> report.println(file + ": " + problem));
            }
            validation.warnings().forEach(problem -> report.println(file + ": " + (problem.path().isEmpty() ? "/" : problem.path())
                    + ": warning: " + problem.message()));
            if (explain && errors.isEmpty()) {
                out.println(explanation(validation));
            }
        }
        return unreadable ? 2 : invalid ? 1 : 0;
    }

    /** Names used twice, and chains that lead back, among the valid files given together. */
    private static Map<String, List<Problem>> crossCheck(Map<String, Validation> validations) {
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
                    next -> byName.containsKey(next) ? byName.get(next).then() : List.of());
            if (!cycles.isEmpty()) {
                errors.computeIfAbsent(fileOfName.get(name), f -> new ArrayList<>()).addAll(cycles);
            }
        });
        return errors;
    }

    private static String explanation(Validation validation) {
        ObjectNode explained = Json.mapper().createObjectNode();
        explained.put("format", validation.format().name().toLowerCase());
        explained.put("sha256", validation.sha256());
        explained.set("descriptor", Json.mapper().valueToTree(validation.descriptor()));
        explained.set("taskDefinition", Json.mapper().valueToTree(
                TaskDefinitionWrapper.wrap(validation.descriptor(), validation.sha256(), EXPLAIN_SETTINGS)));
        try {
            return PRETTY.writeValueAsString(explained);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
