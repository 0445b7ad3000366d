package io.conveyor.descriptor;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated, normalized algorithm descriptor: what Conveyor runs, whichever format it came in.
 * Defaults are filled in; the command is always a list of arguments.
 *
 * @param name           lowercase, digits and dashes, at most 64 characters
 * @param description    free text, or {@code null}
 * @param image          the author's image, unchanged
 * @param command        program and arguments; may hold placeholders (see {@link Placeholders})
 * @param input          which inputs it takes
 * @param resources      what one run needs
 * @param instanceTypes  the EC2 instance types it may run on
 * @param timeoutSeconds how long one attempt may run
 * @param retries        how many times a failed attempt is tried again
 * @param environment    variables for the algorithm's container
 * @param parameters     values given per input file
 * @param ports          ports the container listens on
 * @param isolation      how the algorithm's container is fenced in (defaults when the descriptor says nothing)
 * @param local          overrides for the local mode, or {@code null}
 * @param then           algorithms that take each output file of this one as their input
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Descriptor(String name, String description, String image, List<String> command, Input input,
                         Resources resources, List<String> instanceTypes, int timeoutSeconds, int retries,
                         Map<String, String> environment, List<Parameter> parameters, List<Port> ports,
                         Isolation isolation, Local local, List<String> then) {

    /** Default timeout of one attempt: one hour. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 3600;
    /** Default number of retries after a failed attempt. */
    public static final int DEFAULT_RETRIES = 2;

    public Descriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        command = List.copyOf(command);
        input = input == null ? new Input(null, null, null, null) : input;
        Objects.requireNonNull(resources, "resources");
        instanceTypes = instanceTypes == null ? List.of() : List.copyOf(instanceTypes);
        environment = environment == null ? Map.of() : Map.copyOf(new java.util.TreeMap<>(environment));
        parameters = parameters == null ? List.of() : List.copyOf(parameters);
        ports = ports == null ? List.of() : List.copyOf(ports);
        isolation = isolation == null ? Isolation.defaults(!ports.isEmpty()) : isolation;
        then = then == null ? List.of() : List.copyOf(then);
    }

    /**
     * Which input files an algorithm takes.
     *
     * @param suffixes   file name endings it takes (any when {@code null})
     * @param glob       a glob the key below {@code inputs/<name>/} must match (any when {@code null})
     * @param maxSizeMiB the largest input it takes (no limit when {@code null})
     * @param folder     a folder of the image where the staged input also appears, read-only, as the original
     *                   tool's {@code input_file_path} placed it (see {@link InputFolder}), or {@code null}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Input(List<String> suffixes, String glob, Integer maxSizeMiB, String folder) {
    }

    /**
     * What one run of the algorithm needs.
     *
     * @param vcpu      virtual CPUs (multiples of 1/8)
     * @param memoryMiB memory, the hard limit of the task
     * @param gpu       GPUs
     */
    public record Resources(double vcpu, int memoryMiB, int gpu) {

        /** The least memory a task gets: its stage-in and stage-out containers run the AWS CLI in it. */
        public static final int MIN_TASK_MEMORY_MIB = 256;

        /** ECS CPU units: 1024 per vCPU. */
        public int cpuUnits() {
            return (int) Math.round(vcpu * 1024);
        }

        /** The task's memory: what the algorithm asks for, and never less than the stage containers need. */
        public int taskMemoryMiB() {
            return Math.max(memoryMiB, MIN_TASK_MEMORY_MIB);
        }
    }

    /**
     * A value given per input file, passed to the algorithm as an environment variable of its name.
     *
     * @param name        the variable's name
     * @param required    whether a job without it is rejected
     * @param defaultValue the value when none is given, or {@code null}
     * @param description free text, or {@code null}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Parameter(String name, boolean required,
                            @com.fasterxml.jackson.annotation.JsonProperty("default") String defaultValue,
                            String description) {
    }

    /**
     * A port the container listens on.
     *
     * @param port     the container port
     * @param protocol {@code tcp} or {@code udp}
     */
    public record Port(int port, String protocol) {
    }

    /**
     * How the algorithm's container is fenced in on ECS. The defaults hold the container to its own job's
     * data: a non-root user, no networking (so neither the task role's credentials endpoint nor the
     * instance's metadata is in reach), its input read-only.
     *
     * @param runAsRoot              run as the image's own user (often root) instead of {@code 1000:1000}
     * @param readOnlyRootFilesystem the image's root filesystem read-only, {@code /tmp} a writable volume
     * @param network                networking on (ports need it); the task's credentials are then in reach
     */
    public record Isolation(boolean runAsRoot, boolean readOnlyRootFilesystem, boolean network) {

        /** What a descriptor gets when it says nothing: networking only when it declares ports. */
        public static Isolation defaults(boolean hasPorts) {
            return new Isolation(false, false, hasPorts);
        }
    }

    /**
     * Overrides for the local mode.
     *
     * @param command     the command to run locally instead, or {@code null}
     * @param environment extra variables locally
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Local(List<String> command, Map<String, String> environment) {
    }
}
