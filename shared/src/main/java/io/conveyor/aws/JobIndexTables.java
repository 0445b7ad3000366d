package io.conveyor.aws;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The job index table as {@code template.yaml} declares {@code JobIndexTable}, for emulator tests and
 * benchmarks, where no stack is deployed (the sandbox makes it from the template itself).
 */
public final class JobIndexTables {

    private JobIndexTables() {
    }

    /** Creates the table with its key and its three indexes. */
    public static void create(DynamoDbClient dynamoDb, String table) {
        dynamoDb.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(text(DynamoDbJobIndex.ID), text(DynamoDbJobIndex.ALGORITHM),
                        text(DynamoDbJobIndex.STATE), text(DynamoDbJobIndex.QUEUED_MONTH), text(DynamoDbJobIndex.QUEUED_KEY))
                .keySchema(key(DynamoDbJobIndex.ID, KeyType.HASH))
                .globalSecondaryIndexes(index(DynamoDbJobIndex.BY_ALGORITHM, DynamoDbJobIndex.ALGORITHM),
                        index(DynamoDbJobIndex.BY_STATE, DynamoDbJobIndex.STATE),
                        index(DynamoDbJobIndex.BY_MONTH, DynamoDbJobIndex.QUEUED_MONTH)));
    }

    private static GlobalSecondaryIndex index(String name, String partition) {
        return GlobalSecondaryIndex.builder().indexName(name)
                .keySchema(List.of(key(partition, KeyType.HASH), key(DynamoDbJobIndex.QUEUED_KEY, KeyType.RANGE)))
                .projection(p -> p.projectionType(ProjectionType.ALL)).build();
    }

    private static AttributeDefinition text(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
