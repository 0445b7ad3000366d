package io.conveyor.cli.sandbox;

import io.conveyor.config.Environment;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code sitecustomize.py} the sandbox puts first on its {@code moto_server}'s {@code PYTHONPATH}: Python
 * imports it at start-up, whichever interpreter the {@code moto_server} on the {@code PATH} runs (a pyenv shim, a
 * virtualenv). It keeps moto from holding every model it ever made and from copying a table once per item of a
 * {@code TransactWriteItems}, which made a long sandbox run grow moto by gigabytes; it runs the installation's own
 * {@code sitecustomize} too, and leaves moto as it is on any error. See the script for how.
 */
final class MotoSiteCustomize {

    static final String VARIABLE = "PYTHONPATH";
    static final String FILE = "sitecustomize.py";

    private MotoSiteCustomize() {
    }

    /**
     * Writes the script into {@code folder} (made if missing, the script replaced if there).
     *
     * @return {@code folder}
     */
    static Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        try (InputStream in = MotoSiteCustomize.class.getResourceAsStream(FILE)) {
            if (in == null) {
                throw new IllegalStateException(FILE + ": missing from the classpath next to " + MotoSiteCustomize.class);
            }
            Files.write(folder.resolve(FILE), in.readAllBytes());
        }
        return folder;
    }

    /** The {@code PYTHONPATH} that puts {@code folder} before whatever {@code environment} already has there. */
    static String pythonPath(Path folder, Environment environment) {
        String first = folder.toAbsolutePath().toString();
        return environment.optional(VARIABLE).map(rest -> first + File.pathSeparator + rest).orElse(first);
    }
}
