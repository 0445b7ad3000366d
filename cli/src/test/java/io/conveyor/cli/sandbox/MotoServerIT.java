package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.aws.AwsClients;
import io.conveyor.config.Environment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The moto the sandbox starts, through {@code TransactWriteItems} as dispatch sends them: it stays small and keeps
 * moto's answers. The gap is shown on a {@code moto_server} started as it is: should a moto release stop keeping its
 * rollback copies, the last test fails and {@link MotoSiteCustomize} can go.
 */
class MotoServerIT {

    static final int TRANSACTIONS = 30;
    static final int PUTS = 20;
    /** Growth of moto's resident memory over the transactions: about 5 MB mended, over 300 MB as moto is. */
    static final long BOUND_BYTES = 64L << 20;

    static MotoServer moto;
    static DynamoDbClient dynamoDb;

    @TempDir
    Path work;

    @BeforeAll
    static void start(@TempDir Path shared) throws Exception {
        moto = MotoServer.start(shared.resolve("moto_server.log"));
        dynamoDb = dynamoDb(moto.endpoint());
    }

    @AfterAll
    static void stop() {
        dynamoDb.close();
        moto.close();
    }

    @Test
    void start_manyTransactWriteItems_motoGrowsUnderTheBoundAndWritesEveryItem() throws Exception {
        createTable(dynamoDb, "many");
        long before = residentBytes(moto.process());

        transact(dynamoDb, "many");

        assertThat(residentBytes(moto.process()) - before).as("growth of moto's RSS").isLessThan(BOUND_BYTES);
        assertThat(dynamoDb.scan(r -> r.tableName("many").select("COUNT")).count()).isEqualTo(TRANSACTIONS * PUTS);
        assertThat(MotoServer.answers(moto.endpoint())).as("/moto-api/data.json answers").isTrue();
    }

    @Test
    void start_transactionCancelled_tableRolledBackAsMotoDoes() {
        createTable(dynamoDb, "cancelled");
        dynamoDb.putItem(r -> r.tableName("cancelled").item(item("taken")));

        assertThatThrownBy(() -> dynamoDb.transactWriteItems(r -> r.transactItems(put("cancelled", "new-1"),
                put("cancelled", "new-2"), put("cancelled", "taken")))).isInstanceOf(TransactionCanceledException.class);

        assertThat(dynamoDb.scan(r -> r.tableName("cancelled")).items()).extracting(i -> i.get("pk").s())
                .containsExactly("taken");
    }

    @Test
    void sitecustomize_installationHasItsOwn_runsItThenMendsMoto() throws Exception {
        Path own = Files.createDirectories(work.resolve("own"));
        Files.writeString(own.resolve("sitecustomize.py"), "open('" + work.resolve("own-ran") + "', 'w').close()\n");

        String out = python(own);

        assertThat(work.resolve("own-ran")).exists();
        assertThat(out).isEqualTo("_KeepsNothing copying_each_table_once\n");
    }

    @Test
    void sitecustomize_installationsOwnFails_oneLineAndMotoStillMended() throws Exception {
        Path own = Files.createDirectories(work.resolve("own"));
        Files.writeString(own.resolve("sitecustomize.py"), "raise RuntimeError('broken')\n");

        String out = python(own);

        assertThat(out).isEqualTo("conveyor sitecustomize: the installation's sitecustomize failed (RuntimeError: broken)\n"
                + "_KeepsNothing copying_each_table_once\n");
    }

    /** What python3 prints of moto's model tracking and transactions, with the script first and {@code own} next. */
    String python(Path own) throws IOException, InterruptedException {
        Path site = MotoSiteCustomize.write(work.resolve("moto-python"));
        ProcessBuilder builder = new ProcessBuilder("python3", "-c", "from moto.core.common_models import "
                + "CloudFormationModel as m; from moto.dynamodb.models import DynamoDBBackend as d; "
                + "print(type(m.instances_tracked).__name__, d.transact_write_items.__name__)").redirectErrorStream(true);
        builder.environment().put("PYTHONPATH", MotoSiteCustomize.pythonPath(site,
                Environment.of(Map.of("PYTHONPATH", own.toString()))));
        Process python = builder.start();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void motoAsItIs_manyTransactWriteItems_growsOverTheBound() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Process plain = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(work.resolve("plain.log").toFile()).start();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        try (DynamoDbClient plainDynamoDb = dynamoDb(endpoint)) {
            for (int i = 0; i < 300 && !MotoServer.answers(endpoint); i++) {
                Thread.sleep(100);
            }
            createTable(plainDynamoDb, "many");
            long before = residentBytes(plain.toHandle());

            transact(plainDynamoDb, "many");

            assertThat(residentBytes(plain.toHandle()) - before).as("growth of moto's RSS").isGreaterThan(BOUND_BYTES);
        } finally {
            plain.descendants().forEach(ProcessHandle::destroy);
            plain.destroyForcibly().waitFor();
        }
    }

    static DynamoDbClient dynamoDb(URI endpoint) {
        return AwsClients.from(Environment.of(Map.of(AwsClients.REGION_VARIABLE, "us-east-1",
                AwsClients.ENDPOINT_VARIABLE, endpoint.toString()))).dynamoDb();
    }

    static void createTable(DynamoDbClient dynamoDb, String table) {
        dynamoDb.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                        .attributeType(ScalarAttributeType.S).build()));
    }

    /** Transactions of conditional puts, as dispatch puts a batch's index entries. */
    static void transact(DynamoDbClient dynamoDb, String table) {
        for (int t = 0; t < TRANSACTIONS; t++) {
            int first = t * PUTS;
            dynamoDb.transactWriteItems(r -> r.transactItems(
                    IntStream.range(first, first + PUTS).mapToObj(i -> put(table, "job-" + i)).toList()));
        }
    }

    static TransactWriteItem put(String table, String key) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item(key))
                .conditionExpression("attribute_not_exists(pk)")).build();
    }

    static Map<String, AttributeValue> item(String key) {
        return Map.of("pk", AttributeValue.fromS(key), "v", AttributeValue.fromS("x".repeat(200)));
    }

    /** The largest resident set among the process and its descendants: moto's Python, whatever launched it. */
    static long residentBytes(ProcessHandle process) throws IOException {
        long largest = 0;
        for (ProcessHandle handle : Stream.concat(Stream.of(process), process.descendants()).toList()) {
            List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(handle.pid()), "status"));
            for (String line : status) {
                if (line.startsWith("VmRSS:")) {
                    largest = Math.max(largest, Long.parseLong(line.replaceAll("\\D", "")) * 1024);
                }
            }
        }
        return largest;
    }
}
