package io.conveyor.descriptor;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule for secrets in a descriptor, applied to every string it holds (command words, environment
 * values, parameter defaults, descriptions; a legacy descriptor's after conversion): no AWS access key id,
 * no AWS secret access key, no PEM private key, and no literal value under a name that says secret.
 *
 * <p>A descriptor is stored in the bucket, listed by {@code conveyor algorithms}, and copied into the
 * task definition and each job's overrides, where anyone who can read them reads the secret. Errors name
 * the path and the kind of secret, never the secret.
 */
public final class Secrets {

    /** Access key ids (long-term AKIA, temporary ASIA, and the other credential prefixes AWS documents). */
    private static final Pattern ACCESS_KEY_ID = Pattern.compile("\\b(A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\\b");
    /** 40 characters of base64 standing alone, as a secret access key is written. */
    private static final Pattern SECRET_ACCESS_KEY = Pattern.compile("(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])");
    private static final Pattern PRIVATE_KEY = Pattern.compile("PRIVATE KEY( BLOCK)?-----");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*}");
    /** Last words of a name that says where a secret is, not what it is: POSTGRES_PASSWORD_FILE, DB_SECRET_ARN. */
    private static final Set<String> REFERENCE_WORDS = Set.of("FILE", "PATH", "DIR", "ARN", "ID", "NAME");

    private static final String ADVICE = ": a descriptor is stored in the bucket, listed by 'conveyor algorithms' "
            + "and copied into the task definition, where anyone who can read those reads it; AWS access comes from "
            + "the task role, and other secrets belong in AWS Secrets Manager, read at run time, never in a descriptor";

    private Secrets() {
    }

    /** One string of the document: where it is, and the variable it sets (or {@code null}). */
    private record Value(String path, String text, String variable) {
    }

    /** Every string of {@code document} that holds a secret, or is a literal under a secret's name. */
    static List<Problem> find(JsonNode document) {
        return find(document, path -> path.equals("/environment") || path.equals("/local/environment"));
    }

    /**
     * Every string of any JSON document that holds a secret, or is a literal under a secret's name.
     *
     * @param variables whether the object at a JSON path maps variable names to their values (a descriptor's
     *                  {@code /environment}, a pipeline step's {@code parameters}): the names are checked too
     */
    public static List<Problem> find(JsonNode document, java.util.function.Predicate<String> variables) {
        List<Value> values = new ArrayList<>();
        collect(document, "", variables, values);
        boolean anyKeyId = values.stream().anyMatch(value -> ACCESS_KEY_ID.matcher(value.text()).find());
        List<Problem> problems = new ArrayList<>();
        for (Value value : values) {
            kind(value, anyKeyId).ifPresent(kind -> problems.add(new Problem(value.path(), kind + ADVICE)));
        }
        return problems;
    }

    /**
     * What secret a value given to the variable {@code name} holds (a key, a private key, a literal under a
     * secret's name), or empty: the rule above for values given outside a descriptor (a pipeline's
     * parameter values). The text names the kind of secret, never the secret.
     */
    public static Optional<String> inValue(String name, String value) {
        return kind(new Value("", value, name), false).map(kind -> kind + ADVICE.replace("a descriptor", "a definition"));
    }

    private static Optional<String> kind(Value value, boolean anyKeyId) {
        String text = value.text();
        if (PRIVATE_KEY.matcher(text).find()) {
            return Optional.of("holds a PEM private key (-----BEGIN ... PRIVATE KEY-----)");
        }
        if (ACCESS_KEY_ID.matcher(text).find()) {
            return Optional.of("holds what looks like an AWS access key id (AKIA..., ASIA...)");
        }
        boolean secretContext = anyKeyId || text.toLowerCase(Locale.ROOT).contains("secret")
                || (value.variable() != null && secretWord(value.variable()).isPresent());
        if (secretContext && hasSecretAccessKey(text)) {
            return Optional.of("holds what looks like an AWS secret access key (40 characters of base64 beside an "
                    + "access key id or a secret's name)");
        }
        if (value.variable() != null && !PLACEHOLDER.matcher(text).replaceAll("").isBlank()) {
            return secretWord(value.variable()).map(word -> "sets " + value.variable() + ", whose name says it is a "
                    + "secret (" + word + "), to a literal value");
        }
        return Optional.empty();
    }

    private static boolean hasSecretAccessKey(String text) {
        Matcher matcher = SECRET_ACCESS_KEY.matcher(text);
        while (matcher.find()) {
            String token = matcher.group();
            // A secret key mixes cases and digits; a SHA-1 in hex (a commit, a checksum) does not.
            if (token.chars().anyMatch(Character::isUpperCase) && token.chars().anyMatch(Character::isLowerCase)
                    && token.chars().anyMatch(c -> Character.isDigit(c) || c == '/' || c == '+')) {
                return true;
            }
        }
        return false;
    }

    /**
     * The word of a variable's name that says it is a secret: one holding SECRET, PASSWORD, PASSWD or
     * PASSPHRASE, a last word ending in TOKEN, or API_KEY / PRIVATE_KEY; not when the last word says where
     * the secret is (FILE, PATH, DIR, ARN, ID, NAME). Words are split at {@code _} and at camelCase.
     */
    static Optional<String> secretWord(String variable) {
        String[] words = variable.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT).split("_+");
        if (words.length == 0 || REFERENCE_WORDS.contains(words[words.length - 1])) {
            return Optional.empty();
        }
        for (int i = 0; i < words.length; i++) {
            String word = words[i];
            for (String secret : new String[] {"SECRET", "PASSWORD", "PASSWD", "PASSPHRASE"}) {
                if (word.contains(secret)) {
                    return Optional.of(secret);
                }
            }
            if (word.equals("APIKEY") || (i > 0 && word.equals("KEY") && Set.of("API", "PRIVATE").contains(words[i - 1]))) {
                return Optional.of(i > 0 && word.equals("KEY") ? words[i - 1] + "_KEY" : word);
            }
        }
        String last = words[words.length - 1];
        return last.endsWith("TOKEN") ? Optional.of("TOKEN") : Optional.empty();
    }

    /** Every string, with the variable it sets: an environment entry's name, a parameter's for its default. */
    private static void collect(JsonNode node, String path, java.util.function.Predicate<String> variables,
                                List<Value> values) {
        if (node.isTextual()) {
            values.add(new Value(path, node.textValue(), null));
            return;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), path + "/" + i, variables, values);
            }
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String at = path + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
            if (field.getValue().isTextual() && variables.test(path)) {
                // The name too: a variable may be named by a key id.
                values.add(new Value(at, field.getKey(), null));
                values.add(new Value(at, field.getValue().textValue(), field.getKey()));
            } else if (field.getValue().isTextual() && path.matches("/parameters/\\d+") && field.getKey().equals("default")) {
                values.add(new Value(at, field.getValue().textValue(), node.path("name").asText(null)));
            } else {
                collect(field.getValue(), at, variables, values);
            }
        }
    }
}
