package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.storage.Digests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs' digests remembered by what the file looks like: an unchanged file is not read again, a changed one is. */
class InputDigestsTest {

    @TempDir
    Path dir;

    @Test
    void sha256_fileThatLooksAsWhenItWasRead_isNotReadAgainByTheNextRun() throws Exception {
        // Given a file hashed by one run, and the remembered digest then replaced by another
        Path input = Files.writeString(dir.resolve("a.txt"), "abc");
        Path remembered = dir.resolve(".inputs");
        String digest = new InputDigests(remembered, 0).sha256(input);
        Files.writeString(remembered, Files.readString(remembered).replace(digest, "f".repeat(64)));

        // When the next run asks for the digest of the unchanged file
        String next = new InputDigests(remembered, 0).sha256(input);

        // Then the remembered one is given: the file was not read
        assertThat(digest).isEqualTo(Digests.sha256(input));
        assertThat(next).isEqualTo("f".repeat(64));
    }

    @Test
    void sha256_fileRewrittenWithItsSizeAndTimeOfChangeKept_isReadAgain() throws Exception {
        // Given a file hashed by one run, then rewritten with as many bytes and its time of change set back
        Path input = Files.writeString(dir.resolve("a.txt"), "abc");
        FileTime modified = Files.getLastModifiedTime(input);
        Path remembered = dir.resolve(".inputs");
        new InputDigests(remembered, 0).sha256(input);
        Thread.sleep(20);
        Files.writeString(input, "xyz");
        Files.setLastModifiedTime(input, modified);

        // When the next run asks for its digest
        String next = new InputDigests(remembered, 0).sha256(input);

        // Then it is the new content's (its time of status change moved)
        assertThat(next).isEqualTo(Digests.sha256("xyz".getBytes()));
    }

    @Test
    void sha256_fileChangedJustBeforeItWasRead_isNotRemembered() throws Exception {
        // Given a file written just now, and digests remembered only after an hour unchanged
        Path input = Files.writeString(dir.resolve("a.txt"), "abc");

        // When it is hashed
        String digest = new InputDigests(dir.resolve(".inputs"), java.util.concurrent.TimeUnit.HOURS.toNanos(1))
                .sha256(input);

        // Then the digest is right but not remembered (a write in the same tick could leave its times alike)
        assertThat(digest).isEqualTo(Digests.sha256(input));
        assertThat(dir.resolve(".inputs")).doesNotExist();
    }

    @Test
    void sha256_rememberedListWithATornLineAndRepeats_readsTheRestAndIsWrittenAnewALineAFile() throws Exception {
        // Given a list with two lines for one file (one per run) and a torn last line, as a crash leaves
        Path a = Files.writeString(dir.resolve("a b\nc.txt"), "abc");
        Path remembered = dir.resolve(".inputs");
        InputDigests first = new InputDigests(remembered, 0);
        first.sha256(a);
        String line = Files.readString(remembered);
        Files.writeString(remembered, line + line + "12 34 5");

        // When the next run asks for the file's digest
        String next = new InputDigests(remembered, 0).sha256(a);

        // Then it is known, and the list holds one line for it (its odd name kept as JSON)
        assertThat(next).isEqualTo(Digests.sha256(a));
        assertThat(Files.readString(remembered)).isEqualTo(line);
    }
}
