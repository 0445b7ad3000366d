package io.conveyor.cli.sandbox;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Makes {@code AWS::DynamoDB::Table}s as declared: key, attributes, global secondary indexes, billing mode,
 * server-side encryption and point-in-time recovery (moto keeps both settings; it encrypts nothing).
 */
final class DynamoDbTables {

    private final DynamoDbClient dynamoDb;

    DynamoDbTables(DynamoDbClient dynamoDb) {
        this.dynamoDb = dynamoDb;
    }

    SandboxStack.Resource table(StackTemplate.Declared declared, PropertyMap properties, StackTemplate stack) {
        properties.supportOnly("TableName", "BillingMode", "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes",
                "SSESpecification", "PointInTimeRecoverySpecification");
        String name = properties.optionalString("TableName").orElse(stack.stackName() + "-" + declared.logicalId());
        String billing = properties.optionalString("BillingMode").orElse("PROVISIONED");
        if (!"PAY_PER_REQUEST".equals(billing)) {
            throw new IllegalArgumentException(properties.where() + ".BillingMode: the sandbox makes PAY_PER_REQUEST tables only, "
                    + "was " + billing);
        }
        boolean encrypted = properties.optionalMap("SSESpecification").flatMap(sse -> sse.optionalBoolean("SSEEnabled"))
                .orElse(false);
        TableDescription table = dynamoDb.createTable(r -> r.tableName(name).billingMode(billing)
                .attributeDefinitions(properties.maps("AttributeDefinitions").stream().map(a -> AttributeDefinition.builder()
                        .attributeName(a.string("AttributeName")).attributeType(a.string("AttributeType")).build()).toList())
                .keySchema(keys(properties.maps("KeySchema")))
                .globalSecondaryIndexes(properties.maps("GlobalSecondaryIndexes").stream().map(DynamoDbTables::index).toList())
                .sseSpecification(s -> s.enabled(encrypted))).tableDescription();
        if (properties.optionalMap("PointInTimeRecoverySpecification")
                .flatMap(pitr -> pitr.optionalBoolean("PointInTimeRecoveryEnabled")).orElse(false)) {
            dynamoDb.updateContinuousBackups(r -> r.tableName(name)
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
        }
        return new SandboxStack.Resource(declared.logicalId(), declared.type(), name, Map.of("Arn", table.tableArn()));
    }

    private static GlobalSecondaryIndex index(PropertyMap index) {
        index.supportOnly("IndexName", "KeySchema", "Projection");
        PropertyMap projection = index.map("Projection");
        projection.supportOnly("ProjectionType", "NonKeyAttributes");
        return GlobalSecondaryIndex.builder().indexName(index.string("IndexName")).keySchema(keys(index.maps("KeySchema")))
                .projection(p -> p.projectionType(projection.string("ProjectionType"))
                        .nonKeyAttributes(projection.has("NonKeyAttributes") ? projection.strings("NonKeyAttributes") : null))
                .build();
    }

    private static List<KeySchemaElement> keys(List<PropertyMap> keys) {
        return keys.stream().map(k -> KeySchemaElement.builder().attributeName(k.string("AttributeName"))
                .keyType(k.string("KeyType")).build()).toList();
    }
}
