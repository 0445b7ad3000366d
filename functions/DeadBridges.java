import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import proguard.classfile.AccessConstants;
import proguard.classfile.ProgramClass;
import proguard.classfile.ProgramMethod;
import proguard.classfile.editor.ClassEditor;
import proguard.classfile.io.ProgramClassReader;
import proguard.classfile.io.ProgramClassWriter;

/**
 * Run by the `shrink` execution (functions/pom.xml) on the copies of the runtime jars in target/lambda-in/lib,
 * before ProGuard: removes from each AWS SDK request builder interface
 * ({@code software.amazon.awssdk.services.*.model.*Request$Builder}) the two bridge methods javac writes for its
 * covariant {@code overrideConfiguration(AwsRequestOverrideConfiguration)} and
 * {@code overrideConfiguration(Consumer)} (default methods returning {@code AwsRequest.Builder}).
 *
 * <p>Why: the SDK calls {@code AwsRequest.Builder.overrideConfiguration(...)} on any request (paginators' user
 * agent, S3's cross-region client), and ProGuard then marks that method's default implementations in every
 * sub-interface as used, whether or not the interface is (its ClassUsageMarker: "This may be premature if there
 * aren't any concrete implementing classes"). Each bridge marks its builder interface, whose InnerClasses entry
 * marks the request, which keeps its builder and the model classes of all its fields: every operation's request
 * model stayed, 9.1 MB of EC2 alone. See docs/design/decisions.md#artifact-sizes-shrinking-the-sdk.
 *
 * <p>Why it is safe: such a bridge is never run. The only implementations of these interfaces are the SDK's
 * {@code BuilderImpl} classes, which extend {@code AwsRequest.BuilderImpl}; that class declares both methods with
 * these exact descriptors, and the JVM selects a method declared in the receiver's class chain before any
 * interface default method (JVMS 5.4.6); the run fails if that class no longer declares both. Only these two bridges
 * are removed, nothing is renamed or rewritten, and the jar is rewritten only when something was removed.
 */
public final class DeadBridges {
    private static final Pattern REQUEST_BUILDER =
        Pattern.compile("software/amazon/awssdk/services/[^/]+/model/[^/$]+Request\\$Builder\\.class");
    private static final String NAME = "overrideConfiguration";
    private static final String RETURNS = ")Lsoftware/amazon/awssdk/awscore/AwsRequest$Builder;";
    private static final int BRIDGE = AccessConstants.BRIDGE | AccessConstants.SYNTHETIC;

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: DeadBridges <folder of jars>");
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(Path.of(args[0]))) {
            jars = files.filter(path -> path.toString().endsWith(".jar")).sorted().toList();
        }
        requireClassImplementations(jars);
        for (Path jar : jars) {
            int removed = strip(jar);
            if (removed > 0) {
                System.out.println("DeadBridges: " + jar.getFileName() + ": " + removed
                    + " request builders' overrideConfiguration bridges removed");
            }
        }
    }

    /**
     * The bridges are dead only while {@code AwsRequest.BuilderImpl} declares both methods (a newer SDK could move
     * them): fails the build otherwise, rather than leave builders whose call would find no method.
     */
    private static void requireClassImplementations(List<Path> jars) throws IOException {
        Path core = jars.stream().filter(jar -> jar.getFileName().toString().startsWith("aws-core-")).findFirst()
            .orElse(null);
        if (core == null) {
            return; // no AWS SDK service on this classpath: nothing will be removed
        }
        ProgramClass impl = read(core, "software/amazon/awssdk/awscore/AwsRequest$BuilderImpl.class");
        int found = 0;
        for (int index = 0; impl != null && index < impl.u2methodsCount; index++) {
            ProgramMethod method = impl.methods[index];
            boolean concrete = (method.getAccessFlags() & AccessConstants.ABSTRACT) == 0;
            if (concrete && isOverrideConfigurationSetter(impl, method)) {
                found++;
            }
        }
        if (found != 2) {
            throw new IllegalStateException("DeadBridges: " + core.getFileName() + "'s AwsRequest$BuilderImpl no longer"
                + " declares both overrideConfiguration setters returning AwsRequest.Builder; the request builders'"
                + " bridges may be reached: see functions/DeadBridges.java");
        }
    }

    private static ProgramClass read(Path jar, String name) throws IOException {
        try (InputStream in = Files.newInputStream(jar); ZipInputStream zipIn = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = zipIn.getNextEntry()) != null; ) {
                if (entry.getName().equals(name)) {
                    return parse(zipIn.readAllBytes());
                }
            }
        }
        return null;
    }

    private static ProgramClass parse(byte[] bytes) {
        ProgramClass clazz = new ProgramClass();
        clazz.accept(new ProgramClassReader(new DataInputStream(new ByteArrayInputStream(bytes))));
        return clazz;
    }

    private static boolean isOverrideConfigurationSetter(ProgramClass clazz, ProgramMethod method) {
        return method.getName(clazz).equals(NAME) && method.getDescriptor(clazz).endsWith(RETURNS);
    }

    /** Rewrites the jar without the dead bridges; returns how many builder interfaces had them. */
    private static int strip(Path jar) throws IOException {
        Path rewritten = jar.resolveSibling(jar.getFileName() + ".tmp");
        int changed = 0;
        try (InputStream in = Files.newInputStream(jar);
             ZipInputStream zipIn = new ZipInputStream(in);
             OutputStream out = Files.newOutputStream(rewritten);
             ZipOutputStream zipOut = new ZipOutputStream(out)) {
            for (ZipEntry entry; (entry = zipIn.getNextEntry()) != null; ) {
                byte[] bytes = zipIn.readAllBytes();
                if (REQUEST_BUILDER.matcher(entry.getName()).matches()) {
                    byte[] stripped = withoutBridges(bytes);
                    if (stripped != bytes) {
                        bytes = stripped;
                        changed++;
                    }
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                zipOut.putNextEntry(copy);
                zipOut.write(bytes);
                zipOut.closeEntry();
            }
        }
        if (changed > 0) {
            Files.move(rewritten, jar, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.delete(rewritten);
        }
        return changed;
    }

    private static byte[] withoutBridges(byte[] bytes) throws IOException {
        ProgramClass clazz = parse(bytes);
        if ((clazz.getAccessFlags() & AccessConstants.INTERFACE) == 0) {
            return bytes;
        }
        List<ProgramMethod> bridges = new ArrayList<>();
        for (int index = 0; index < clazz.u2methodsCount; index++) {
            ProgramMethod method = clazz.methods[index];
            int flags = method.getAccessFlags();
            if ((flags & BRIDGE) == BRIDGE && (flags & AccessConstants.ABSTRACT) == 0
                && isOverrideConfigurationSetter(clazz, method)) {
                bridges.add(method);
            }
        }
        if (bridges.isEmpty()) {
            return bytes;
        }
        ClassEditor editor = new ClassEditor(clazz);
        bridges.forEach(editor::removeMethod);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        clazz.accept(new ProgramClassWriter(new DataOutputStream(out)));
        return out.toByteArray();
    }
}
