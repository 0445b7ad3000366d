package io.conveyor.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.storage.ObjectRef;
import io.conveyor.storage.StorageEvent;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class S3EventNotificationsTest {

    private static String notification(String eventName, String key) {
        return """
                {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"%s",
                  "s3":{"bucket":{"name":"conveyor-in"},
                        "object":{"key":"%s","size":42,"eTag":"abc","versionId":"v1","sequencer":"0A"}}}]}
                """.formatted(eventName, key);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "inputs/plain.txt                          | inputs/plain.txt",
            "inputs/field+notes.txt                    | inputs/field notes.txt",
            "inputs/a%2Bb.txt                          | inputs/a+b.txt",
            "inputs/%C3%A9t%C3%A9+%E6%95%B0%E6%8D%AE.csv | inputs/été 数据.csv",
            "inputs/100%25+done.txt                    | inputs/100% done.txt",
            "inputs%2Fnested%2Fkey.txt                 | inputs/nested/key.txt"})
    void parse_encodedKey_decodesAsS3EncodedIt(String encoded, String decoded) {
        // Given a notification whose key S3 (or moto) URL-encoded
        String body = notification("ObjectCreated:Put", encoded);

        // When
        List<StorageEvent> events = S3EventNotifications.parse(body);

        // Then the key is the one the user wrote
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.object()).isEqualTo(new ObjectRef("conveyor-in", decoded));
            assertThat(event.kind()).isEqualTo(StorageEvent.Kind.CREATED);
            assertThat(event.versionId()).isEqualTo("v1");
            assertThat(event.size()).isEqualTo(42);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "inputs/word%C0%ADcount.txt | not UTF-8 once decoded",
            "inputs/%FF.txt             | not UTF-8 once decoded",
            "inputs/%ED%A0%80.txt       | not UTF-8 once decoded",
            "inputs/\\ud800.txt         | lone surrogate",
            "inputs/100%.txt            | is not followed by two hex digits",
            "inputs/x%2                 | is not followed by two hex digits"})
    void parse_keyNotUtf8OrBrokenEscape_isRefusedNamingTheKey(String encoded, String why) {
        // Given a key no S3 object has: its escapes name bytes that are not UTF-8 (found by the fuzzer)
        String body = notification("ObjectCreated:Put", encoded);

        // Then it is refused at its field, never read as U+FFFD, another key
        assertThatThrownBy(() -> S3EventNotifications.parse(body)).isInstanceOf(MalformedEventException.class)
                .hasMessageStartingWith("Records[0].s3.object.key: ").hasMessageContaining(why);
    }

    @Test
    void parse_blankBucket_isRefusedNamingTheField() {
        // Given (found by the fuzzer: ObjectRef threw IllegalArgumentException)
        String body = notification("ObjectCreated:Put", "inputs/x.txt").replace("\"conveyor-in\"", "\" \"");

        // Then
        assertThatThrownBy(() -> S3EventNotifications.parse(body)).isInstanceOf(MalformedEventException.class)
                .hasMessage("Records[0].s3.bucket.name: must not be blank");
    }

    @Test
    void parse_removal_isRemovedWithoutSize() {
        String body = """
                {"Records":[{"eventSource":"aws:s3","eventName":"ObjectRemoved:Delete",
                  "s3":{"bucket":{"name":"conveyor-in"},"object":{"key":"algorithms/wc.json","versionId":"v2"}}}]}
                """;

        StorageEvent event = S3EventNotifications.parse(body).get(0);

        assertThat(event.kind()).isEqualTo(StorageEvent.Kind.REMOVED);
        assertThat(event.size()).isEqualTo(-1);
        assertThat(event.eTag()).isNull();
    }

    @Test
    void parse_deleteMarkerCreated_isARemoval() {
        String body = """
                {"Records":[{"eventSource":"aws:s3","eventName":"ObjectRemoved:DeleteMarkerCreated",
                  "s3":{"bucket":{"name":"conveyor-in"},"object":{"key":"algorithms/wc.json","versionId":"dm1","sequencer":"0B"}}}]}
                """;

        assertThat(S3EventNotifications.parse(body)).singleElement()
                .satisfies(event -> assertThat(event.kind()).isEqualTo(StorageEvent.Kind.REMOVED));
    }

    @Test
    void parse_s3TestEvent_yieldsNoRecords() {
        String body = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-11-21T10:00:00Z\","
                + "\"Bucket\":\"conveyor-in\"}";

        assertThat(S3EventNotifications.parse(body)).isEmpty();
    }

    @Test
    void parse_severalRecords_keepsTheirOrder() {
        String body = """
                {"Records":[
                  {"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b-1"},"object":{"key":"inputs/1"}}},
                  {"eventSource":"aws:s3","eventName":"ObjectCreated:Copy","s3":{"bucket":{"name":"b-1"},"object":{"key":"inputs/2"}}}]}
                """;

        assertThat(S3EventNotifications.parse(body)).extracting(event -> event.object().key())
                .containsExactly("inputs/1", "inputs/2");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "empty body                | ``                                                   | message body is empty",
            "not JSON                  | `{\"Records\": [`                                      | message body is not JSON: line 1",
            "JSON array                | `[1,2]`                                              | message body is not a JSON object",
            "data after the object     | `{\"Records\":[]} {\"Records\":[]}`                    | message body has data after its JSON object, at line 1, column 16",
            "no Records                | `{\"foo\":1}`                                          | field 'Records' is missing or not an array",
            "Records not array         | `{\"Records\":{}}`                                     | field 'Records' is missing or not an array",
            "wrong source              | `{\"Records\":[{\"eventSource\":\"aws:sqs\"}]}`           | Records[0].eventSource: expected 'aws:s3', was 'aws:sqs'",
            "missing eventName         | `{\"Records\":[{\"eventSource\":\"aws:s3\"}]}`            | Records[0].eventName: missing",
            "unknown eventName         | `{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectTagging:Put\"}]}` | Records[0].eventName: 'ObjectTagging:Put' is neither",
            "missing bucket            | `{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{}}]}` | Records[0].s3.bucket.name: missing",
            "key not a string          | `{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b-1\"},\"object\":{\"key\":7}}}]}` | Records[0].s3.object.key: expected a string, was number",
            "broken escape in key      | `{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b-1\"},\"object\":{\"key\":\"inputs/%zz\"}}}]}` | Records[0].s3.object.key: object key 'inputs/%zz' is not valid URL encoding",
            "empty key                 | `{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b-1\"},\"object\":{\"key\":\"\"}}}]}` | Records[0].s3.object.key: must not be empty",
            "size not a number         | `{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b-1\"},\"object\":{\"key\":\"k\",\"size\":\"big\"}}}]}` | Records[0].s3.object.size: expected a whole number"})
    void parse_malformedBody_namesTheFieldAtFault(String name, String body, String expected) {
        assertThatThrownBy(() -> S3EventNotifications.parse(body))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining(expected);
    }
}
