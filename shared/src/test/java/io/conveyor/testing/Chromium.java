package io.conveyor.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium}, headless, as the report's browser tests and its benchmark run it (`.ci/run`
 * installs it; {@code CONVEYOR_CHROMIUM} names another binary).
 */
public final class Chromium {

    private final String binary;

    private Chromium(String binary) {
        this.binary = binary;
    }

    /** The browser on this machine; fails, saying how to install it, when there is none. */
    public static Chromium find() {
        String named = System.getenv("CONVEYOR_CHROMIUM");
        if (named != null && !named.isBlank()) {
            return new Chromium(named);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return new Chromium(Path.of(dir, name).toString());
                }
            }
        }
        throw new IllegalStateException("no chromium on PATH: apt-get install chromium (.ci/run does), "
                + "or set CONVEYOR_CHROMIUM to a Chrome or Chromium binary");
    }

    /** The page's DOM after its script ran, as the browser serializes it. */
    public String dumpDom(String url) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", url), null);
    }

    /** A PNG of the page at {@code width}×{@code height} pixels. */
    public void screenshot(String url, Path png, int width, int height) throws IOException, InterruptedException {
        run(List.of("--screenshot=" + png, "--window-size=" + width + "," + height, "--hide-scrollbars", url), png);
    }

    private String run(List<String> arguments, Path expected) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory("chromium-profile")));
        command.addAll(arguments);
        Path log = Files.createTempFile("chromium", ".log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("chromium did not finish in 120 s: " + command);
        }
        if (process.exitValue() != 0 || (expected != null && !Files.exists(expected))) {
            throw new IllegalStateException("chromium exited " + process.exitValue() + ": " + Files.readString(log));
        }
        Files.deleteIfExists(log);
        return new String(out, StandardCharsets.UTF_8);
    }
}
