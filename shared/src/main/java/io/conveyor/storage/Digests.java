package io.conveyor.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Content digests: descriptor revisions, job ids, idempotency tokens, local inputs' versions.
 */
public final class Digests {

    private Digests() {
    }

    /** The hex SHA-256 of some bytes. */
    public static String sha256(byte[] content) {
        return HexFormat.of().formatHex(sha256().digest(content));
    }

    /** The hex SHA-256 of a file's content, read as a stream (files may be large). */
    public static String sha256(Path file) throws IOException {
        return copy(file, OutputStream.nullOutputStream());
    }

    /** The hex SHA-256 of a stream's content, read to its end in pieces (nothing kept); the caller closes it. */
    public static String sha256(InputStream content) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(content, digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Copies a file (over what {@code to} holds, which keeps its inode) and returns the hex SHA-256 of what was copied
     * (which may differ from what is there now); {@code also}: options to open {@code to} with besides writing.
     */
    public static String copyWithSha256(Path from, Path to, OpenOption... also) throws IOException {
        List<OpenOption> options = new ArrayList<>(List.of(StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
        options.addAll(List.of(also));
        try (OutputStream out = Files.newOutputStream(to, options.toArray(OpenOption[]::new))) {
            return copy(from, out);
        }
    }

    private static String copy(Path from, OutputStream out) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(from), digest)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
