package io.conveyor.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListingLinesTest {

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parse_keysAndPrefixes_eachNonBlankLineWithItsNumber() throws Exception {
        // Given a listing with a BOM, CRLF endings, blank lines and spaces around a line
        byte[] listing = text("\uFEFFdata/a.csv\r\n\r\n   \n  images/2026/ \nimages/it's $(id).png\n");

        // When
        List<ListingLines.Line> lines = ListingLines.parse(listing);

        // Then
        assertThat(lines).containsExactly(new ListingLines.Line(1, "data/a.csv"),
                new ListingLines.Line(4, "images/2026/"), new ListingLines.Line(5, "images/it's $(id).png"));
        assertThat(lines.get(1).prefix()).isTrue();
        assertThat(lines.get(0).prefix()).isFalse();
    }

    @Test
    void names_keyOrPrefix_exactKeyOrAnythingBelowThePrefix() {
        // Given a key and a prefix
        ListingLines.Line key = new ListingLines.Line(1, "data/a.csv");
        ListingLines.Line prefix = new ListingLines.Line(2, "data/");

        // When / Then: a key is itself only; a prefix is what lies below it, not the folder's own key
        assertThat(key.names("data/a.csv")).isTrue();
        assertThat(key.names("data/a.csv.bak")).isFalse();
        assertThat(prefix.names("data/sub/b.csv")).isTrue();
        assertThat(prefix.names("data/")).isFalse();
        assertThat(prefix.names("database/c.csv")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/etc/passwd|line 2 of the listing '/etc/passwd' is absolute",
        "C:/Windows/x|line 2 of the listing 'C:/Windows/x' is absolute",
        "data/../../other/b.txt|line 2 of the listing 'data/../../other/b.txt' has a '..' part",
        "../p2/b1/x|has a '..' part",
        "data/..|has a '..' part",
        "data\\\\x.txt|holds a backslash",
        "data//x.txt|has an empty or '.' part",
        "./data/x.txt|has an empty or '.' part",
        "x.txt|'x.txt' is a file directly in the batch's folder",
        "_manifest.json|is a file directly in the batch's folder",
        "/|is absolute",
    })
    void parse_hostileLine_refusedNamingTheLine(String line, String expected) {
        // Given a listing whose second line is hostile
        byte[] listing = text("data/ok.txt\n" + line + "\n");

        // When / Then
        assertThatThrownBy(() -> ListingLines.parse(listing)).isInstanceOf(PipelineJobs.UnpackException.class)
                .hasMessageStartingWith("line 2 of the listing").hasMessageContaining(expected);
    }

    @Test
    void parse_controlOrFormatCharacter_refusedNamingTheLine() {
        // Given lines with a tab, a NUL, an escape and a right-to-left override
        for (String hostile : List.of("data/a\tb", "data/a\u0000b", "data/\u001b[31mred", "data/\u202Etxt.exe")) {
            // When / Then
            assertThatThrownBy(() -> ListingLines.parse(text("data/ok\n\n" + hostile)))
                    .hasMessage("line 3 of the listing holds a control or format character");
        }
    }

    @Test
    void parse_invalidUtf8_refusedNamingTheLine() {
        // Given a listing whose first line is not UTF-8 (a lone continuation byte)
        byte[] listing = {'d', '/', (byte) 0x80, 'x', '\n'};

        // When / Then
        assertThatThrownBy(() -> ListingLines.parse(listing)).hasMessage("line 1 of the listing is not valid UTF-8");
    }

    @Test
    void parse_lineTooLong_refusedNamingTheLine() {
        // Given a line of one byte more than allowed (and one exactly at the limit before it)
        String atLimit = "d/" + "a".repeat(ListingLines.MAX_LINE_BYTES - 2);
        String over = "d/" + "é".repeat(ListingLines.MAX_LINE_BYTES / 2);

        // When / Then
        assertThatThrownBy(() -> ListingLines.parse(text(atLimit + "\n" + over)))
                .hasMessage("line 2 of the listing is longer than " + ListingLines.MAX_LINE_BYTES + " bytes");
    }

    @Test
    void parse_blankOrTooLargeOrTooManyLines_refusedWhole() {
        // Given an empty listing, a blank one, one too large, one with a line more than the cap
        String tooMany = "d/x\n".repeat(PipelineJobs.MAX_MEMBERS + 1);

        // When / Then
        assertThatThrownBy(() -> ListingLines.parse(new byte[0])).hasMessageContaining("names nothing");
        assertThatThrownBy(() -> ListingLines.parse(text(" \n\r\n"))).hasMessageContaining("names nothing");
        assertThatThrownBy(() -> ListingLines.parse(new byte[ListingLines.MAX_BYTES + 1]))
                .hasMessage("the listing is larger than " + ListingLines.MAX_BYTES + " bytes");
        assertThatThrownBy(() -> ListingLines.parse(text(tooMany)))
                .hasMessage("the listing has more than " + PipelineJobs.MAX_MEMBERS + " lines");
    }
}
