package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.storage.Digests;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveUnpackerTest {

    @TempDir
    Path workspace;

    private final PipelinePlace place = new PipelinePlace("p", "rev", "b1", "each", null);

    private LocalSettings settings() {
        return new LocalSettings(workspace.resolve("inbox"), workspace.resolve("outbox"), workspace.resolve("algorithms"),
                1, 1024, Duration.ZERO, Duration.ofMillis(20));
    }

    private NewJob.JobInput zip(String name, Map<String, String> entries) throws IOException {
        Path file = workspace.resolve("inbox/p/b1").resolve(name);
        Files.createDirectories(file.getParent());
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return new NewJob.JobInput(file.toString(), "sha256:" + Digests.sha256(file));
    }

    private NewJob.JobInput tarGz(String name, Map<String, String> files, String link) throws IOException {
        Path file = workspace.resolve("inbox/p/b1").resolve(name);
        Files.createDirectories(file.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (Map.Entry<String, String> entry : files.entrySet()) {
                byte[] bytes = entry.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry member = new TarArchiveEntry(entry.getKey());
                member.setSize(bytes.length);
                tar.putArchiveEntry(member);
                tar.write(bytes);
                tar.closeArchiveEntry();
            }
            if (link != null) {
                TarArchiveEntry symlink = new TarArchiveEntry(link, TarArchiveEntry.LF_SYMLINK);
                symlink.setLinkName("/etc/passwd");
                tar.putArchiveEntry(symlink);
                tar.closeArchiveEntry();
            }
        }
        return new NewJob.JobInput(file.toString(), "sha256:" + Digests.sha256(file));
    }

    private static Map<String, String> entries(String... nameThenContent) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < nameThenContent.length; i += 2) {
            entries.put(nameThenContent[i], nameThenContent[i + 1]);
        }
        return entries;
    }

    @Test
    void of_zip_eachRegularMemberAnInputWithItsContentsVersionSameOnASecondCall() throws Exception {
        // Given a zip with a folder and two files
        NewJob.JobInput archive = zip("set.zip", entries("dir/", "", "dir/a.txt", "alpha", "b.txt", "beta"));
        ArchiveUnpacker unpacker = new ArchiveUnpacker(settings());

        // When unpacked, twice
        List<NewJob.JobInput> members = unpacker.of(place, archive);
        List<NewJob.JobInput> again = unpacker.of(place, archive);

        // Then two members below the step's members folder, with their contents, the same both times
        Path folder = unpacker.folder(place, archive);
        assertThat(folder).startsWith(workspace.resolve("outbox/outputs/p/b1/each.members/set.zip"));
        assertThat(members).extracting(NewJob.JobInput::location).containsExactly(
                folder.resolve("b.txt").toString(), folder.resolve("dir/a.txt").toString());
        assertThat(Path.of(members.get(1).location())).hasContent("alpha");
        assertThat(members.get(1).version()).isEqualTo("sha256:" + Digests.sha256("alpha".getBytes(StandardCharsets.UTF_8)));
        assertThat(again).isEqualTo(members);
    }

    @Test
    void of_tarGz_membersUnpackedAndALinkRefusedNamingIt() throws Exception {
        // Given a tar.gz with a file, and one with a symbolic link too
        NewJob.JobInput good = tarGz("good.tar.gz", entries("x/one.txt", "1"), null);
        NewJob.JobInput linked = tarGz("linked.tgz", entries("one.txt", "1"), "passwd");
        ArchiveUnpacker unpacker = new ArchiveUnpacker(settings());

        // When / Then
        assertThat(unpacker.of(place, good)).singleElement().satisfies(member ->
                assertThat(Path.of(member.location())).hasContent("1").endsWith(Path.of("x/one.txt")));
        assertThatThrownBy(() -> unpacker.of(place, linked)).isInstanceOf(PipelineJobs.UnpackException.class)
                .hasMessage("'linked.tgz': member 'passwd' is a link: only regular files are unpacked");
        assertThat(unpacker.folder(place, linked)).doesNotExist();
    }

    @Test
    void of_memberClimbingOutOrAbsolute_refusedAndNothingWrittenOutside() throws Exception {
        // Given zips whose members climb out of the folder, or name an absolute path
        NewJob.JobInput climbs = zip("climb.zip", entries("ok.txt", "ok", "../../../../escaped.txt", "x"));
        NewJob.JobInput absolute = zip("abs.zip", entries("/tmp/absolute-" + workspace.getFileName(), "x"));
        ArchiveUnpacker unpacker = new ArchiveUnpacker(settings());

        // When / Then
        assertThatThrownBy(() -> unpacker.of(place, climbs)).isInstanceOf(PipelineJobs.UnpackException.class)
                .hasMessageContaining("member '../../../../escaped.txt' has '..' in its name");
        assertThatThrownBy(() -> unpacker.of(place, absolute)).hasMessageContaining("has an absolute name");
        try (var walk = Files.walk(workspace)) {
            assertThat(walk.filter(f -> f.getFileName().toString().equals("escaped.txt"))).isEmpty();
        }
        assertThat(Path.of("/tmp/absolute-" + workspace.getFileName())).doesNotExist();
        assertThat(unpacker.folder(place, climbs)).doesNotExist();
    }

    @Test
    void of_overTheBounds_refusedWhole() throws Exception {
        // Given an unpacker allowing 2 members and 10 bytes
        ArchiveUnpacker unpacker = new ArchiveUnpacker(settings(), 2, 10);
        NewJob.JobInput many = zip("many.zip", entries("1", "a", "2", "b", "3", "c"));
        NewJob.JobInput big = zip("big.zip", entries("big.txt", "x".repeat(11)));
        NewJob.JobInput notArchive = new NewJob.JobInput(workspace.resolve("inbox/p/b1/notes.txt").toString(), "sha256:00");

        // When / Then
        assertThatThrownBy(() -> unpacker.of(place, many)).hasMessage("'many.zip' holds more than 2 members");
        assertThatThrownBy(() -> unpacker.of(place, big)).hasMessage("'big.zip' unpacks to more than 10 bytes");
        assertThatThrownBy(() -> unpacker.of(place, notArchive)).hasMessageContaining("'notes.txt' is no archive");
        assertThat(unpacker.folder(place, many)).doesNotExist();
        try (var walk = Files.walk(workspace.resolve("outbox"))) {
            assertThat(walk.filter(Files::isRegularFile)).isEmpty();
        }
    }
}
