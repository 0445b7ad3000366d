package io.conveyor.storage;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * How S3 writes keys into event notifications, undone.
 */
public final class S3Keys {

    private S3Keys() {
    }

    /**
     * Decodes a key as S3 writes it into event notifications: form-URL-encoded UTF-8, so a space
     * arrives as {@code +} and a literal {@code +} as {@code %2B}.
     *
     * @throws IllegalArgumentException naming the key when it holds a broken escape
     */
    public static String decode(String encodedKey) {
        try {
            return URLDecoder.decode(encodedKey, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("object key '" + encodedKey + "' is not valid URL encoding: "
                    + e.getMessage(), e);
        }
    }

    /** Encodes a key as S3 writes it into event notifications (what {@link #decode} undoes); {@code /} stays. */
    public static String encode(String key) {
        return java.net.URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    /**
     * An entity tag without the surrounding quotes that S3's HTTP API puts on it.
     */
    public static String unquote(String eTag) {
        if (eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")) {
            return eTag.substring(1, eTag.length() - 1);
        }
        return eTag;
    }
}
