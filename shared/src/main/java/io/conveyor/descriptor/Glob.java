package io.conveyor.descriptor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * A descriptor's {@code input.glob}, matched in time linear in the key's length: the glob becomes a small
 * automaton whose set of live states is advanced one character at a time, with no backtracking, so
 * {@code *_*_*_*_*_*.csv} against a 10,000-character key costs 10,000 steps times the glob's length, not
 * a regular expression's exponential retries.
 *
 * <p>The syntax is Java's glob syntax ({@link java.nio.file.FileSystem#getPathMatcher}), parsed the same
 * way with the same errors: {@code *} any characters but {@code /}, {@code **} any characters,
 * {@code ?} one character but {@code /}, {@code [a-z]} and {@code [!a-z]} one character of (or not of)
 * a class, never {@code /}, {@code {a,b}} one of the comma-separated globs (not nested), {@code \}
 * the next character taken literally. A key is matched as Java matches a path: repeated slashes count as
 * one and a trailing slash is dropped; a key holding NUL matches nothing. Two differences: {@code **}
 * also crosses line breaks, which a regular expression's {@code .*} does not, and a backslash as a
 * range's end ({@code [a-\]}) is refused, where Java would read it as an escape in its regular expression.
 */
public final class Glob {

    private static final int ACCEPT = 0;

    private final String text;
    private final List<Node> nodes;
    private final int start;

    private Glob(String text, List<Node> nodes, int start) {
        this.text = text;
        this.nodes = nodes;
        this.start = start;
    }

    /**
     * Parses {@code glob}.
     *
     * @throws InvalidGlobException naming what is wrong (an unclosed class or group, a nested group, …)
     */
    public static Glob compile(String glob) {
        List<List<Atom>> sequence = new Parser(glob).parse();
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Node(null, -1, new int[0]));
        int next = ACCEPT;
        for (int i = sequence.size() - 1; i >= 0; i--) {
            next = compile(sequence.get(i), next, nodes);
        }
        return new Glob(glob, List.copyOf(nodes), next);
    }

    /** Whether {@code path} (a key below an algorithm's folder) matches the whole glob. */
    public boolean matches(String path) {
        if (path.indexOf('\0') >= 0) {
            return false;
        }
        BitSet live = closure(bitOf(start));
        String normal = normalize(path);
        for (int i = 0; i < normal.length() && !live.isEmpty(); ) {
            int c = normal.codePointAt(i);
            i += Character.charCount(c);
            BitSet after = new BitSet(nodes.size());
            for (int s = live.nextSetBit(0); s >= 0; s = live.nextSetBit(s + 1)) {
                Node node = nodes.get(s);
                if (node.test() != null && node.test().test(c)) {
                    after.set(node.out());
                }
            }
            live = closure(after);
        }
        return live.get(ACCEPT);
    }

    @Override
    public String toString() {
        return text;
    }

    /** An item of the glob: one atom, or a group whose alternatives are sequences of atoms. */
    private static int compile(List<Atom> item, int next, List<Node> nodes) {
        if (item.size() == 1 && item.getFirst() instanceof Atom.One one) {
            return atom(one, next, nodes);
        }
        int[] entries = new int[item.size()];
        for (int a = 0; a < item.size(); a++) {
            int entry = next;
            List<Atom.One> alternative = ((Atom.Alternative) item.get(a)).atoms();
            for (int i = alternative.size() - 1; i >= 0; i--) {
                entry = atom(alternative.get(i), entry, nodes);
            }
            entries[a] = entry;
        }
        nodes.add(new Node(null, -1, entries));
        return nodes.size() - 1;
    }

    private static int atom(Atom.One atom, int next, List<Node> nodes) {
        int self = nodes.size();
        nodes.add(atom.repeated() ? new Node(atom.test(), self, new int[] {next}) : new Node(atom.test(), next,
                new int[0]));
        return self;
    }

    private BitSet closure(BitSet states) {
        BitSet closed = (BitSet) states.clone();
        Deque<Integer> pending = new ArrayDeque<>();
        states.stream().forEach(pending::push);
        while (!pending.isEmpty()) {
            for (int next : nodes.get(pending.pop()).epsilons()) {
                if (!closed.get(next)) {
                    closed.set(next);
                    pending.push(next);
                }
            }
        }
        return closed;
    }

    private static BitSet bitOf(int state) {
        BitSet bits = new BitSet();
        bits.set(state);
        return bits;
    }

    /** As {@code Path.of} on a Unix file system: repeated slashes as one, no trailing slash. */
    private static String normalize(String path) {
        StringBuilder normal = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c != '/' || normal.isEmpty() || normal.charAt(normal.length() - 1) != '/') {
                normal.append(c);
            }
        }
        if (normal.length() > 1 && normal.charAt(normal.length() - 1) == '/') {
            normal.setLength(normal.length() - 1);
        }
        return normal.toString();
    }

    /** A state: on a character passing {@code test}, go to {@code out}; always also to {@code epsilons}. */
    private record Node(IntPredicate test, int out, int[] epsilons) {
    }

    /** What the parser yields. */
    sealed interface Atom {
        /** One character passing {@code test}, or any number of them when {@code repeated}. */
        record One(IntPredicate test, boolean repeated) implements Atom {
        }

        /** One alternative of a group. */
        record Alternative(List<One> atoms) implements Atom {
        }
    }

    /** The glob is malformed; the message says how, as Java's glob parser would. */
    public static final class InvalidGlobException extends IllegalArgumentException {
        InvalidGlobException(String description, int index) {
            super(description + " at index " + index);
        }
    }

    /** Java's glob grammar ({@code sun.nio.fs.Globs}), yielding atoms instead of a regular expression. */
    private static final class Parser {
        private final String glob;
        private int i;

        Parser(String glob) {
            this.glob = glob;
        }

        /** The glob as a sequence of items: each a single atom, or a group's alternatives. */
        List<List<Atom>> parse() {
            List<List<Atom>> sequence = new ArrayList<>();
            List<Atom> group = null;
            List<Atom.One> alternative = null;
            while (i < glob.length()) {
                int c = glob.codePointAt(i);
                i += Character.charCount(c);
                Atom.One atom;
                if (c == '{') {
                    if (group != null) {
                        throw new InvalidGlobException("Cannot nest groups", i - 1);
                    }
                    group = new ArrayList<>();
                    alternative = new ArrayList<>();
                    continue;
                } else if (c == '}' && group != null) {
                    group.add(new Atom.Alternative(List.copyOf(alternative)));
                    sequence.add(group);
                    group = null;
                    continue;
                } else if (c == ',' && group != null) {
                    group.add(new Atom.Alternative(List.copyOf(alternative)));
                    alternative = new ArrayList<>();
                    continue;
                }
                atom = atom(c);
                if (group != null) {
                    alternative.add(atom);
                } else {
                    sequence.add(List.of(atom));
                }
            }
            if (group != null) {
                throw new InvalidGlobException("Missing '}", i - 1);
            }
            return sequence;
        }

        private Atom.One atom(int c) {
            switch (c) {
                case '\\' -> {
                    if (i == glob.length()) {
                        throw new InvalidGlobException("No character to escape", i - 1);
                    }
                    int escaped = glob.codePointAt(i);
                    i += Character.charCount(escaped);
                    return new Atom.One(x -> x == escaped, false);
                }
                case '*' -> {
                    if (i < glob.length() && glob.charAt(i) == '*') {
                        i++;
                        return new Atom.One(x -> true, true);
                    }
                    return new Atom.One(x -> x != '/', true);
                }
                case '?' -> {
                    return new Atom.One(x -> x != '/', false);
                }
                case '[' -> {
                    return characterClass();
                }
                default -> {
                    return new Atom.One(x -> x == c, false);
                }
            }
        }

        private Atom.One characterClass() {
            boolean negated = false;
            List<int[]> ranges = new ArrayList<>();
            if (peek() == '^') {
                ranges.add(new int[] {'^', '^'});
                i++;
            } else {
                if (peek() == '!') {
                    negated = true;
                    i++;
                }
                if (peek() == '-') {
                    ranges.add(new int[] {'-', '-'});
                    i++;
                }
            }
            if (ranges.isEmpty() && peek() == ']') {
                // Java's regular expression would read this ']' as a member and then find the class unclosed.
                throw new InvalidGlobException("Empty character class", i);
            }
            boolean hasRangeStart = false;
            int last = 0;
            int c = 0;
            while (i < glob.length()) {
                c = glob.codePointAt(i);
                i += Character.charCount(c);
                if (c == ']') {
                    break;
                }
                if (c == '/') {
                    throw new InvalidGlobException("Explicit 'name separator' in class", i - 1);
                }
                if (c == '-') {
                    if (!hasRangeStart) {
                        throw new InvalidGlobException("Invalid range", i - 1);
                    }
                    c = peek();
                    i++;
                    if (c == 0 || c == ']') {
                        ranges.add(new int[] {'-', '-'});
                        break;
                    }
                    if (c < last || c == '[' || c == '\\') {
                        // Java passes a range's end to its regular expression unescaped, where these break it.
                        throw new InvalidGlobException("Invalid range", i - 3);
                    }
                    i += Character.charCount(c) - 1;
                    ranges.getLast()[1] = c;
                    hasRangeStart = false;
                } else {
                    ranges.add(new int[] {c, c});
                    hasRangeStart = true;
                    last = c;
                }
            }
            if (c != ']') {
                throw new InvalidGlobException("Missing ']", i - 1);
            }
            boolean exclude = negated;
            List<int[]> members = List.copyOf(ranges);
            return new Atom.One(x -> x != '/' && exclude != members.stream().anyMatch(r -> r[0] <= x && x <= r[1]),
                    false);
        }

        private int peek() {
            return i < glob.length() ? glob.codePointAt(i) : 0;
        }
    }
}
