package io.conveyor.local;

import io.conveyor.descriptor.Descriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@code docker run} of one attempt: the author's image with the attempt's folder as
 * {@code /conveyor} (the input under {@code /conveyor/input}, the output in {@code /conveyor/output}),
 * the same environment contract as on ECS, the descriptor's CPUs and memory as limits, as the
 * current user, without new privileges, the input folder also at the descriptor's {@code input.folder}
 * (read-only) when it names one, and as on ECS without networking unless the descriptor's
 * {@code isolation} asks for it (and with a read-only root and a {@code /tmp} when it asks for that).
 */
public final class DockerInvocation {

    /** Where the attempt's folder appears inside the container, as on ECS. */
    public static final String WORK_DIR = "/conveyor";

    private DockerInvocation() {
    }

    /** The container's name for one attempt (to stop it when the attempt times out). */
    public static String containerName(String jobId, int attempt) {
        return "conveyor-" + jobId + "-" + attempt;
    }

    /**
     * The command line.
     *
     * @param environment the contract's variables and the descriptor's, with container paths
     * @param command     the algorithm's command, placeholders already replaced with container paths
     * @param user        {@code uid:gid} to run as, so outputs belong to the user
     */
    public static List<String> command(Descriptor descriptor, String name, Path attemptDir,
                                       Map<String, String> environment, List<String> command, String user) {
        List<String> line = new ArrayList<>(List.of("docker", "run", "--rm", "--name", name,
                "--volume", attemptDir.toAbsolutePath() + ":" + WORK_DIR, "--workdir", WORK_DIR,
                "--cpus", Double.toString(descriptor.resources().vcpu()),
                "--memory", descriptor.resources().taskMemoryMiB() + "m",
                "--security-opt", "no-new-privileges", "--user", user));
        if (descriptor.input().folder() != null) {
            line.addAll(List.of("--volume", attemptDir.toAbsolutePath().resolve("input") + ":"
                    + descriptor.input().folder() + ":ro"));
        }
        // As on ECS: no network unless the descriptor asks; a read-only root with a writable /tmp when asked.
        if (!descriptor.isolation().network()) {
            line.addAll(List.of("--network", "none"));
        }
        if (descriptor.isolation().readOnlyRootFilesystem()) {
            line.addAll(List.of("--read-only", "--tmpfs", "/tmp"));
        }
        new TreeMap<>(environment).forEach((key, value) -> {
            line.add("--env");
            line.add(key + "=" + value);
        });
        line.add(descriptor.image());
        line.addAll(command);
        return List.copyOf(line);
    }

    /**
     * Whether a Docker engine answers; the reason when it does not.
     */
    public static String engineProblem() {
        try {
            Process process = new ProcessBuilder("docker", "version", "--format", "{{.Server.Version}}")
                    .redirectErrorStream(true).start();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "`docker version` did not answer within 15 s";
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.exitValue() == 0 ? null
                    : "`docker version` failed: " + output.lines().reduce((a, b) -> b).orElse("exit " + process.exitValue());
        } catch (IOException e) {
            return "no docker command (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Removes a container that outlived its attempt (timed out); best effort. */
    static void remove(String name) {
        try {
            new ProcessBuilder("docker", "rm", "--force", name).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // nothing to remove with
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The current user as {@code uid:gid}. */
    static String currentUser() {
        com.sun.security.auth.module.UnixSystem unix = new com.sun.security.auth.module.UnixSystem();
        return unix.getUid() + ":" + unix.getGid();
    }

    /** The same {@code docker run} line with the attempt's input folder mounted read-only (a gather's, as on ECS). */
    static List<String> withReadOnlyInput(List<String> line, Path attemptDir) {
        List<String> changed = new ArrayList<>(line);
        int at = changed.indexOf("--workdir");
        changed.addAll(at, List.of("--volume", attemptDir.toAbsolutePath().resolve("input") + ":" + WORK_DIR + "/input:ro"));
        return changed;
    }
}
