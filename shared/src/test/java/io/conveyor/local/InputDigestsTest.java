package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.storage.Digests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inbox files' digests remembered from run to run: used only while the file is as it was when read. */
class InputDigestsTest {

    @TempDir
    Path dir;

    /**
     * An input last written a minute ago, whose status last changed (setting its time back is a change) more than
     * {@link InputDigests#RACY} ago, so its digest may be remembered.
     */
    private Path settledInput(String content) throws Exception {
        return settledInputs("in.txt", content)[0];
    }

    /** Inputs of these names and contents (name, content, name, content...), settled as {@link #settledInput}. */
    private Path[] settledInputs(String... namesAndContents) throws Exception {
        Path[] inputs = new Path[namesAndContents.length / 2];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = Files.writeString(dir.resolve(namesAndContents[2 * i]), namesAndContents[2 * i + 1]);
            Files.setLastModifiedTime(inputs[i], FileTime.from(Instant.now().minusSeconds(60)));
        }
        Thread.sleep(InputDigests.RACY.toMillis() + 100);
        return inputs;
    }

    /** A run over this outbox that asked for the digest of each of these inputs (and has not saved yet). */
    private static InputDigests run(Path outbox, Path... inputs) throws Exception {
        InputDigests run = new InputDigests(outbox);
        for (Path input : inputs) {
            run.sha256(input);
        }
        return run;
    }

    /** Runs that hashed and saved these inputs, their digests then doctored to these (so a remembered one shows). */
    private Path savedAndDoctored(Path[] inputs, String... doctored) throws Exception {
        Path outbox = Files.createDirectories(dir.resolve("outbox"));
        run(outbox, inputs).save();
        Path saved = outbox.resolve(".input-digests.jsonl");
        String text = Files.readString(saved);
        for (int i = 0; i < inputs.length; i++) {
            text = text.replace(Digests.sha256(inputs[i]), doctored[i]);
        }
        Files.writeString(saved, text);
        return outbox;
    }

    @Test
    void sha256_fileUnchangedSinceTheLastRun_isTheRememberedOne() throws Exception {
        // Given a run that hashed a settled input and saved its digests
        Path outbox = Files.createDirectories(dir.resolve("outbox"));
        Path input = settledInput("line\n");
        InputDigests first = new InputDigests(outbox);
        assertThat(first.sha256(input)).isEqualTo(Digests.sha256(input));
        first.save();

        // When the digests file is doctored to a digest no content has, and a new run asks
        Path saved = outbox.resolve(".input-digests.jsonl");
        String real = Digests.sha256(input);
        Files.writeString(saved, Files.readString(saved).replace(real, "0".repeat(64)));

        // Then it gets the remembered one: the file was not read again
        assertThat(new InputDigests(outbox).sha256(input)).isEqualTo("0".repeat(64));
    }

    @Test
    void sha256_fileRewrittenSameSizeAndTimeSetBack_isReadAgain() throws Exception {
        // Given a remembered digest
        Path outbox = Files.createDirectories(dir.resolve("outbox"));
        Path input = settledInput("aaaa\n");
        FileTime then = Files.getLastModifiedTime(input);
        run(outbox, input).save();

        // When the file gets other content of the same size, and its time of change is set back as it was
        Thread.sleep(20);
        Files.writeString(input, "bbbb\n");
        Files.setLastModifiedTime(input, then);

        // Then its status time moved: the new content is read
        assertThat(new InputDigests(outbox).sha256(input)).isEqualTo(Digests.sha256(input));
    }

    @Test
    void sha256_fileWrittenWithinTheLastSecondWhenRead_isReadAgainNextRun() throws Exception {
        // Given an input written just now, hashed and saved
        Path outbox = Files.createDirectories(dir.resolve("outbox"));
        Path input = Files.writeString(dir.resolve("fresh.txt"), "fresh\n");
        run(outbox, input).save();
        Path saved = outbox.resolve(".input-digests.jsonl");
        Files.writeString(saved, Files.readString(saved).replace(Digests.sha256(input), "0".repeat(64)));

        // When a new run asks, Then it reads the file: a write in the same tick could have left its times alike
        assertThat(new InputDigests(outbox).sha256(input)).isEqualTo(Digests.sha256(input));
    }

    @Test
    void sha256_digestsFileNotJson_isIgnored() throws Exception {
        Path outbox = Files.createDirectories(dir.resolve("outbox"));
        Path input = settledInput("x\n");
        Files.writeString(outbox.resolve(".input-digests.jsonl"), "[\"" + input + "\", 1, \n");

        assertThat(new InputDigests(outbox).sha256(input)).isEqualTo(Digests.sha256(input));
    }

    @Test
    void sha256_manyFilesRemembered_eachGetsItsOwn() throws Exception {
        // Given two settled inputs hashed and saved, their digests doctored to two no content has
        Path[] inputs = settledInputs("a.txt", "a\n", "b.txt", "b\n");
        Path outbox = savedAndDoctored(inputs, "1".repeat(64), "2".repeat(64));

        // When a new run asks for each, Then each gets the one remembered for it
        InputDigests next = new InputDigests(outbox);
        assertThat(next.sha256(inputs[1])).isEqualTo("2".repeat(64));
        assertThat(next.sha256(inputs[0])).isEqualTo("1".repeat(64));
    }

    @Test
    void sha256_digestsFileWithOneLineOfAnotherShape_isIgnoredWhole() throws Exception {
        // Given two remembered (doctored) digests, and a third line whose path is a number
        Path[] inputs = settledInputs("a.txt", "a\n", "b.txt", "b\n");
        Path outbox = savedAndDoctored(inputs, "1".repeat(64), "2".repeat(64));
        Files.writeString(outbox.resolve(".input-digests.jsonl"), "[7,1,2,3,4,\"" + "3".repeat(64) + "\",5]\n",
                java.nio.file.StandardOpenOption.APPEND);

        // When a new run asks, Then no line of that file is trusted: each file is read again
        InputDigests next = new InputDigests(outbox);
        assertThat(next.sha256(inputs[0])).isEqualTo(Digests.sha256(inputs[0]));
        assertThat(next.sha256(inputs[1])).isEqualTo(Digests.sha256(inputs[1]));
    }

    @Test
    void sha256_asTheScanSawIt_isFoundByThatStateWithoutALookAndAnotherStateIsReadNow() throws Exception {
        // Given a remembered (doctored) digest, and the file's state as a scan reads it
        Path[] inputs = settledInputs("a.txt", "a\n");
        Path outbox = savedAndDoctored(inputs, "1".repeat(64));
        InputDigests.Entry seen = InputDigests.Stat.of(inputs[0], java.nio.file.LinkOption.NOFOLLOW_LINKS).state();
        assertThat(seen).isNotNull();

        // When the file is deleted after that look, Then its digest is still found by what the scan saw
        Files.move(inputs[0], dir.resolve("elsewhere.txt"));
        assertThat(new InputDigests(outbox).sha256(inputs[0], seen)).isEqualTo("1".repeat(64));

        // And a state the file no longer has is no match: the file (back, rewritten) is read as it is now
        Files.writeString(inputs[0], "b\n");
        assertThat(new InputDigests(outbox).sha256(inputs[0], new InputDigests.Entry(seen.size(), seen.modified(),
                seen.changed(), seen.inode() + 1, null, 0))).isEqualTo(Digests.sha256(inputs[0]));
    }

    @Test
    void stat_ofAFileAndOfAFolder_saysItsKindAndGivesTheStateDigestsAreKeptBy() throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "four");
        Path folder = Files.createDirectories(dir.resolve("d"));

        InputDigests.Stat ofFile = InputDigests.Stat.of(file, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        InputDigests.Stat ofFolder = InputDigests.Stat.of(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS);

        assertThat(ofFile.isRegularFile()).isTrue();
        assertThat(ofFile.isDirectory()).isFalse();
        assertThat(ofFile.size()).isEqualTo(4);
        assertThat(ofFile.lastModifiedTime()).isEqualTo(Files.getLastModifiedTime(file));
        assertThat(ofFile.state().inode()).isEqualTo(((Number) Files.getAttribute(file, "unix:ino")).longValue());
        assertThat(ofFolder.isDirectory()).isTrue();
        assertThat(ofFolder.isRegularFile()).isFalse();
    }

    @Test
    void stat_ofEachKindOfFile_saysItsKindAsTheJdkDoes() throws Exception {
        // Given a file, a folder, a link to the file, a link to nothing and a named pipe (made by mkfifo)
        Path file = Files.writeString(dir.resolve("f.txt"), "four");
        Path folder = Files.createDirectories(dir.resolve("d"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nothing"));
        Path fifo = dir.resolve("fifo");
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0,
                "mkfifo makes a named pipe");

        for (Path path : List.of(file, folder, link, dangling, fifo)) {
            // When each is looked at without following links
            InputDigests.Stat stat = InputDigests.Stat.of(path, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            java.nio.file.attribute.BasicFileAttributes jdk = Files.readAttributes(path,
                    java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);

            // Then its kind is the one the JDK's own attributes say
            assertThat(List.of(stat.isRegularFile(), stat.isDirectory(), stat.isSymbolicLink(), stat.isOther()))
                    .as(path.getFileName().toString())
                    .isEqualTo(List.of(jdk.isRegularFile(), jdk.isDirectory(), jdk.isSymbolicLink(), jdk.isOther()));
        }
        assertThat(InputDigests.Stat.of(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS).isOther()).isTrue();
        assertThat(InputDigests.Stat.of(link).isRegularFile()).isTrue();
    }

    @Test
    void save_fileRewrittenAfterItsRememberedDigestWasUsed_keepsTheNewDigestAlone() throws Exception {
        // Given two inputs hashed and saved, and a run that finds both remembered
        Path[] inputs = settledInputs("a.txt", "a\n", "b.txt", "b\n");
        Path outbox = Files.createDirectories(dir.resolve("outbox"));
        run(outbox, inputs).save();
        InputDigests next = run(outbox, inputs);

        // When one of them is rewritten in that run and looked at again, and the run saves
        Files.writeString(inputs[0], "changed\n");
        String rewritten = next.sha256(inputs[0]);
        next.save();

        // Then its new digest is the one written, once, beside the other's remembered one
        assertThat(rewritten).isEqualTo(Digests.sha256(inputs[0]));
        List<String> lines = Files.readAllLines(outbox.resolve(".input-digests.jsonl"));
        assertThat(lines).hasSize(2);
        assertThat(lines).filteredOn(line -> line.contains(inputs[0].toString())).singleElement().asString()
                .contains(rewritten);
        assertThat(new InputDigests(outbox).sha256(inputs[1])).isEqualTo(Digests.sha256(inputs[1]));
    }

    @Test
    void save_runThatUsedEveryRememberedDigest_leavesTheFileAndOneThatUsedFewerDropsTheRest() throws Exception {
        // Given two inputs hashed and saved
        Path[] inputs = settledInputs("a.txt", "a\n", "b.txt", "b\n");
        Path outbox = Files.createDirectories(dir.resolve("outbox"));
        run(outbox, inputs).save();
        Path saved = outbox.resolve(".input-digests.jsonl");
        Object written = Files.getAttribute(saved, "unix:ino");

        // When a run finds both remembered and saves, Then the file is left as it was (not written again)
        run(outbox, inputs).save();
        assertThat(Files.getAttribute(saved, "unix:ino")).isEqualTo(written);

        // And when a run looks at one of them only (the other left the inbox), Then the file keeps that one alone
        run(outbox, inputs[1]).save();
        assertThat(Files.readAllLines(saved)).singleElement().asString().contains(inputs[1].toString())
                .doesNotContain(inputs[0].toString());
    }
}
