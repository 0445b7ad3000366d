package io.conveyor.descriptor;

import java.util.Optional;
import java.util.Set;

/**
 * The rule for {@code input.folder}: a folder of the image where the task's input folder is also
 * mounted, read-only (the original tool's {@code input_file_path}). The mount hides whatever the image
 * holds there, so it may not be a system folder (the image's programs and libraries, the kernel's
 * file systems), nor Conveyor's own {@value #WORK_DIR}, where the wrapper mounts the task's folders.
 */
public final class InputFolder {

    /** Conveyor's folder inside a task ({@code TaskDefinitionWrapper.WORK_DIR}, {@code DockerInvocation.WORK_DIR}). */
    static final String WORK_DIR = "/conveyor";

    /** Folders a mount may not replace. */
    private static final Set<String> SYSTEM = Set.of("/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32",
            "/lib64", "/libx32", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp",
            "/usr", "/var");
    /** Folders nothing may be mounted below: the kernel's, and the image's programs and libraries. */
    private static final Set<String> SYSTEM_TREES = Set.of("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32",
            "/lib64", "/libx32", "/proc", "/run", "/sbin", "/sys", "/usr");

    private InputFolder() {
    }

    /** What is wrong with {@code folder} as a mount point, or empty when it may be one. */
    public static Optional<String> problem(String folder) {
        if (!folder.startsWith("/")) {
            return Optional.of("'" + shown(folder) + "' is not an absolute path: write the folder from the image's root, "
                    + "e.g. /data/input");
        }
        if (folder.chars().anyMatch(c -> Character.isISOControl(c) || c == ':' || c == ',' || c == '\\')) {
            return Optional.of("'" + shown(folder) + "' holds a control character, ':', ',' or '\\', which a mount "
                    + "point may not hold");
        }
        if (folder.length() > 1 && folder.endsWith("/")) {
            return Optional.of("'" + folder + "' ends with '/': write it without");
        }
        for (String segment : folder.substring(1).split("/", -1)) {
            if (folder.length() > 1 && (segment.isEmpty() || segment.equals(".") || segment.equals(".."))) {
                return Optional.of("'" + folder + "' holds an empty, '.' or '..' part: write the folder itself");
            }
        }
        if (SYSTEM.contains(folder) || SYSTEM_TREES.stream().anyMatch(tree -> folder.startsWith(tree + "/"))) {
            return Optional.of("'" + folder + "' is a system folder of the image: a mount there would hide the image's "
                    + "own files; use a folder of its own, e.g. /data/input");
        }
        if (folder.equals(WORK_DIR) || folder.startsWith(WORK_DIR + "/")) {
            return Optional.of("'" + folder + "' lies in " + WORK_DIR + ", where Conveyor mounts the task's own folders "
                    + "(the input is at $CONVEYOR_INPUT already)");
        }
        return Optional.empty();
    }

    private static String shown(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(64).forEach(c -> out.append(Character.isISOControl(c) ? "\\u%04x".formatted(c)
                : Character.toString(c)));
        return out.toString();
    }
}
