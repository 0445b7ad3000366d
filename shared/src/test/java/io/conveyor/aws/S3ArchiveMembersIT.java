package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Archive members on moto's S3: streamed from the input bucket, written once to the output bucket, refusals whole. */
@AwsEmulator
class S3ArchiveMembersIT {

    static final String IN = "conveyor-it-in";
    static final String OUT = "conveyor-it-out";
    static final PipelinePlace PLACE = new PipelinePlace("scan", "rev-1", "b1", "each", Map.of());

    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    static byte[] tarGz(Map<String, String> files, String link) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, String> entry : files.entrySet()) {
                byte[] content = entry.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry member = new TarArchiveEntry(entry.getKey(), true);
                member.setSize(content.length);
                tar.putArchiveEntry(member);
                tar.write(content);
                tar.closeArchiveEntry();
            }
            if (link != null) {
                TarArchiveEntry symlink = new TarArchiveEntry(link, TarArchiveEntry.LF_SYMLINK);
                symlink.setLinkName("/etc/passwd");
                tar.putArchiveEntry(symlink);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static Map<String, byte[]> texts(String... nameThenText) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < nameThenText.length; i += 2) {
            entries.put(nameThenText[i], nameThenText[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return entries;
    }

    /** The archive uploaded to the batch's folder, as dispatch names it: its URI and {@code etag:<ETag>}. */
    static NewJob.JobInput upload(S3Client s3, String name, byte[] content) {
        String key = "inputs/scan/b1/" + name;
        String eTag = s3.putObject(r -> r.bucket(IN).key(key), RequestBody.fromBytes(content)).eTag();
        return new NewJob.JobInput("s3://" + IN + "/" + key, "etag:" + eTag.replace("\"", ""));
    }

    static List<S3Object> written(S3Client s3) {
        return s3.listObjectsV2Paginator(r -> r.bucket(OUT).prefix("outputs/")).contents().stream().toList();
    }

    static String text(S3Client s3, String uri) {
        return s3.getObjectAsBytes(r -> r.bucket(OUT).key(uri.substring(("s3://" + OUT + "/").length()))).asUtf8String();
    }

    @Test
    void of_zipAndTarGz_eachMemberWrittenOnceAtItsKeyAndTheSameMembersOnRedelivery(Emulator emulator) throws Exception {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given a zip (a folder, a name with shell characters, a "./" part) and a tar.gz in a batch
            s3.createBucket(r -> r.bucket(IN));
            s3.createBucket(r -> r.bucket(OUT));
            NewJob.JobInput zip = upload(s3, "set.zip", zip(texts("dir/", "", "dir/a.txt", "alpha",
                    "./it's $(id) b.txt", "beta")));
            NewJob.JobInput tgz = upload(s3, "sub/more.tar.gz", tarGz(Map.of("x/one.txt", "1"), null));
            S3ArchiveMembers archives = new S3ArchiveMembers(s3, OUT);

            // When each is unpacked, and the zip again (a redelivery)
            List<NewJob.JobInput> members = archives.of(PLACE, zip);
            List<S3Object> afterFirst = written(s3);
            List<NewJob.JobInput> again = archives.of(PLACE, zip);
            List<NewJob.JobInput> tarMembers = archives.of(PLACE, tgz);

            // Then each member lies below the step's members folder, under the archive's ETag, with its content and
            // its ETag as its version; the redelivery gives the same members and rewrites nothing
            String zipETag = zip.version().substring("etag:".length());
            String folder = "s3://" + OUT + "/outputs/scan/b1/each.members/set.zip/" + zipETag.substring(0, 16) + "/";
            assertThat(members).extracting(NewJob.JobInput::location)
                    .containsExactly(folder + "dir/a.txt", folder + "it's $(id) b.txt");
            assertThat(text(s3, members.get(0).location())).isEqualTo("alpha");
            assertThat(members.get(1).version()).isEqualTo("etag:" + s3.headObject(r -> r.bucket(OUT)
                    .key(members.get(1).location().substring(("s3://" + OUT + "/").length()))).eTag().replace("\"", ""));
            assertThat(again).isEqualTo(members);
            assertThat(written(s3).stream().filter(o -> afterFirst.stream().anyMatch(a -> a.key().equals(o.key())))
                    .map(S3Object::lastModified).toList()).isEqualTo(afterFirst.stream().map(S3Object::lastModified).toList());
            String tgzETag = tgz.version().substring("etag:".length());
            assertThat(tarMembers).singleElement().satisfies(member -> {
                assertThat(member.location()).isEqualTo("s3://" + OUT + "/outputs/scan/b1/each.members/sub/more.tar.gz/"
                        + tgzETag.substring(0, 16) + "/x/one.txt");
                assertThat(text(s3, member.location())).isEqualTo("1");
            });
        }
    }

    @Test
    void of_hostileMembers_refusedNamingArchiveAndMemberAndNothingWritten(Emulator emulator) throws Exception {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given a zip with a good member before one climbing out, one with an absolute name, a twice-named one, and a
            // tar.gz holding a symbolic link
            s3.createBucket(r -> r.bucket(IN));
            s3.createBucket(r -> r.bucket(OUT));
            NewJob.JobInput climbs = upload(s3, "climb.zip", zip(texts("ok.txt", "ok", "../../escaped.txt", "x")));
            NewJob.JobInput absolute = upload(s3, "abs.zip", zip(texts("ok.txt", "ok", "/etc/cron.d/x", "x")));
            NewJob.JobInput twice = upload(s3, "twice.zip", zip(texts("a/b.txt", "1", "a/./b.txt", "2")));
            NewJob.JobInput linked = upload(s3, "linked.tgz", tarGz(Map.of("one.txt", "1"), "passwd"));
            S3ArchiveMembers archives = new S3ArchiveMembers(s3, OUT);

            // When / Then
            assertThatThrownBy(() -> archives.of(PLACE, climbs)).isInstanceOf(PipelineJobs.UnpackException.class)
                    .hasMessage("'climb.zip': member '../../escaped.txt' has '..' in its name: the archive is not unpacked");
            assertThatThrownBy(() -> archives.of(PLACE, absolute))
                    .hasMessage("'abs.zip': member '/etc/cron.d/x' has an absolute name: the archive is not unpacked");
            assertThatThrownBy(() -> archives.of(PLACE, twice)).hasMessage("'twice.zip': member 'a/./b.txt' appears twice");
            assertThatThrownBy(() -> archives.of(PLACE, linked))
                    .hasMessage("'linked.tgz': member 'passwd' is a link: only regular files are unpacked");
            assertThat(written(s3)).isEmpty();
        }
    }

    @Test
    void of_overTheBoundsOrChangedOrNoArchive_refusedWhole(Emulator emulator) throws Exception {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given bounds of 2 members and 10 bytes, and an archive overwritten since it was notified
            s3.createBucket(r -> r.bucket(IN));
            s3.createBucket(r -> r.bucket(OUT));
            S3ArchiveMembers archives = new S3ArchiveMembers(s3, OUT, 2, 10);
            NewJob.JobInput many = upload(s3, "many.zip", zip(texts("1", "a", "2", "b", "3", "c")));
            NewJob.JobInput big = upload(s3, "big.zip", zip(texts("big.txt", "x".repeat(11))));
            NewJob.JobInput changed = upload(s3, "changed.zip", zip(texts("a.txt", "1")));
            upload(s3, "changed.zip", zip(texts("a.txt", "2")));

            // When / Then
            assertThatThrownBy(() -> archives.of(PLACE, many)).hasMessage("'many.zip' holds more than 2 members");
            assertThatThrownBy(() -> archives.of(PLACE, big)).hasMessage("'big.zip' unpacks to more than 10 bytes");
            assertThatThrownBy(() -> archives.of(PLACE, changed)).hasMessageStartingWith(
                    "'changed.zip' is no longer the version notified");
            assertThatThrownBy(() -> archives.of(PLACE, new NewJob.JobInput("s3://" + IN + "/inputs/scan/b1/notes.txt",
                    "etag:00"))).hasMessageContaining("'notes.txt' is no archive");
            assertThat(written(s3)).isEmpty();
        }
    }

    @Test
    void of_memberLargerThanAPart_isWrittenInParts(Emulator emulator) throws Exception {
        try (S3Client s3 = emulator.clients().s3()) {
            // Given a zip whose one member is larger than one part
            s3.createBucket(r -> r.bucket(IN));
            s3.createBucket(r -> r.bucket(OUT));
            byte[] large = new byte[S3ArchiveMembers.PART_BYTES + 1000];
            java.util.Arrays.fill(large, (byte) 'z');
            NewJob.JobInput archive = upload(s3, "large.zip", zip(Map.of("large.bin", large)));

            // When
            List<NewJob.JobInput> members = new S3ArchiveMembers(s3, OUT).of(PLACE, archive);

            // Then it lies whole at its key, and its version is the multipart ETag
            String key = members.get(0).location().substring(("s3://" + OUT + "/").length());
            assertThat(s3.headObject(r -> r.bucket(OUT).key(key)).contentLength()).isEqualTo(large.length);
            assertThat(members.get(0).version()).endsWith("-2");
        }
    }
}
