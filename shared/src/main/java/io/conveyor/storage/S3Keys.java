package io.conveyor.storage;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * How S3 writes keys into event notifications, undone.
 */
public final class S3Keys {

    private S3Keys() {
    }

    /**
     * Decodes a key as S3 writes it into event notifications: form-URL-encoded UTF-8, so a space
     * arrives as {@code +} and a literal {@code +} as {@code %2B}. Strictly: the bytes the escapes name
     * must be UTF-8, as every S3 key is, so an overlong or broken sequence ({@code %C0%AD}) is refused,
     * never read as a replacement character or as another key.
     *
     * @throws IllegalArgumentException naming the key when it holds a broken escape or is not UTF-8
     */
    public static String decode(String encodedKey) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encodedKey.length());
        for (int i = 0; i < encodedKey.length(); i++) {
            char c = encodedKey.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= encodedKey.length() || !HexFormat.isHexDigit(encodedKey.charAt(i + 1))
                        || !HexFormat.isHexDigit(encodedKey.charAt(i + 2))) {
                    throw new IllegalArgumentException("object key '" + encodedKey + "' is not valid URL encoding: '%' "
                            + "at character " + i + " is not followed by two hex digits");
                }
                bytes.write(HexFormat.fromHexDigits(encodedKey, i + 1, i + 3));
                i += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < encodedKey.length()
                    && Character.isLowSurrogate(encodedKey.charAt(i + 1))) {
                bytes.writeBytes(encodedKey.substring(i, i + 2).getBytes(StandardCharsets.UTF_8));
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("object key '" + encodedKey + "' is not UTF-8: a lone surrogate at "
                        + "character " + i);
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("object key '" + encodedKey + "' is not UTF-8 once decoded: its escapes "
                    + "name a malformed or overlong sequence, which no S3 key holds", e);
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
