package io.conveyor.cli.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The relative links between the project's Markdown files, and which of them lead nowhere.
 */
public final class DocsLinks {

    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    private DocsLinks() {
    }

    /** The files whose links are checked: {@code README.md}, {@code CONTRIBUTING.md} and {@code docs/**.md}. */
    public static List<Path> files(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String top : List.of("README.md", "CONTRIBUTING.md")) {
            if (Files.isRegularFile(root.resolve(top))) {
                files.add(root.resolve(top));
            }
        }
        if (Files.isDirectory(root.resolve("docs"))) {
            try (Stream<Path> walk = Files.walk(root.resolve("docs"))) {
                walk.filter(file -> file.toString().endsWith(".md")).sorted().forEach(files::add);
            }
        }
        return files;
    }

    /**
     * Each relative link whose file does not exist (or lies outside the repository), or whose
     * {@code #anchor} is no heading of the Markdown file it names, as {@code FILE: TARGET (why)}.
     */
    public static List<String> broken(Path root) throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path file : files(root)) {
            Markdown doc = Markdown.read(file);
            for (String target : doc.links()) {
                if (SCHEME.matcher(target).find()) {
                    continue;
                }
                String why = problem(root, file, target);
                if (why != null) {
                    broken.add(root.relativize(file) + ": " + target + " (" + why + ")");
                }
            }
        }
        return broken;
    }

    private static String problem(Path root, Path file, String target) {
        int hash = target.indexOf('#');
        String path = URLDecoder.decode((hash < 0 ? target : target.substring(0, hash)).replace("+", "%2B"),
                StandardCharsets.UTF_8);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path linked = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
        if (!linked.startsWith(root)) {
            return "outside the repository";
        }
        if (!Files.exists(linked)) {
            return "no such file";
        }
        if (anchor == null || !linked.toString().endsWith(".md")) {
            return null;
        }
        try {
            return Markdown.read(linked).anchors().contains(anchor) ? null : "no such heading";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
