package io.conveyor.cli.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.OwnershipControlsRule;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/** Makes an {@code AWS::S3::Bucket} on the emulator with everything its properties declare. */
final class S3Buckets {

    private final S3Client s3;

    S3Buckets(S3Client s3) {
        this.s3 = s3;
    }

    SandboxStack.Resource make(StackTemplate.Declared declared, PropertyMap properties, StackTemplate stack) {
        properties.supportOnly("BucketName", "VersioningConfiguration", "BucketEncryption", "PublicAccessBlockConfiguration",
                "OwnershipControls", "LifecycleConfiguration", "NotificationConfiguration", "Tags");
        String bucket = properties.optionalString("BucketName")
                .orElse((stack.stackName() + "-" + declared.logicalId()).toLowerCase(Locale.ROOT));
        s3.createBucket(r -> r.bucket(bucket));
        properties.optionalMap("VersioningConfiguration").ifPresent(versioning ->
                s3.putBucketVersioning(r -> r.bucket(bucket).versioningConfiguration(v -> v.status(versioning.string("Status")))));
        properties.optionalMap("BucketEncryption").ifPresent(encryption -> s3.putBucketEncryption(r -> r.bucket(bucket)
                .serverSideEncryptionConfiguration(c -> c.rules(encryptionRules(encryption)))));
        properties.optionalMap("PublicAccessBlockConfiguration").ifPresent(block -> s3.putPublicAccessBlock(r -> r.bucket(bucket)
                .publicAccessBlockConfiguration(c -> c
                        .blockPublicAcls(block.optionalBoolean("BlockPublicAcls").orElse(false))
                        .blockPublicPolicy(block.optionalBoolean("BlockPublicPolicy").orElse(false))
                        .ignorePublicAcls(block.optionalBoolean("IgnorePublicAcls").orElse(false))
                        .restrictPublicBuckets(block.optionalBoolean("RestrictPublicBuckets").orElse(false)))));
        properties.optionalMap("OwnershipControls").ifPresent(ownership -> s3.putBucketOwnershipControls(r -> r.bucket(bucket)
                .ownershipControls(c -> c.rules(ownership.maps("Rules").stream()
                        .map(rule -> OwnershipControlsRule.builder().objectOwnership(rule.string("ObjectOwnership")).build())
                        .toList()))));
        properties.optionalMap("LifecycleConfiguration").ifPresent(lifecycle -> s3.putBucketLifecycleConfiguration(r -> r
                .bucket(bucket).lifecycleConfiguration(c -> c.rules(lifecycleRules(lifecycle)))));
        properties.optionalMap("NotificationConfiguration").ifPresent(notifications -> s3.putBucketNotificationConfiguration(r -> r
                .bucket(bucket).notificationConfiguration(c -> c.queueConfigurations(queueConfigurations(notifications)))));
        if (properties.has("Tags")) {
            s3.putBucketTagging(r -> r.bucket(bucket).tagging(t -> t.tagSet(properties.maps("Tags").stream()
                    .map(tag -> software.amazon.awssdk.services.s3.model.Tag.builder().key(tag.string("Key")).value(tag.string("Value")).build())
                    .toList())));
        }
        return new SandboxStack.Resource(declared.logicalId(), declared.type(), bucket, Map.of(
                "Arn", "arn:" + StackTemplate.PARTITION + ":s3:::" + bucket,
                "DomainName", bucket + ".s3.amazonaws.com",
                "RegionalDomainName", bucket + ".s3." + stack.region() + ".amazonaws.com"));
    }

    private static List<ServerSideEncryptionRule> encryptionRules(PropertyMap encryption) {
        return encryption.maps("ServerSideEncryptionConfiguration").stream().map(rule -> {
            rule.supportOnly("ServerSideEncryptionByDefault", "BucketKeyEnabled");
            PropertyMap byDefault = rule.map("ServerSideEncryptionByDefault").supportOnly("SSEAlgorithm", "KMSMasterKeyID");
            return ServerSideEncryptionRule.builder()
                    .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(byDefault.string("SSEAlgorithm"))
                            .kmsMasterKeyID(byDefault.optionalString("KMSMasterKeyID").orElse(null)))
                    .bucketKeyEnabled(rule.optionalBoolean("BucketKeyEnabled").orElse(null))
                    .build();
        }).toList();
    }

    /** CloudFormation's rule shape is not the API's: each supported property mapped to its API member. */
    private static List<LifecycleRule> lifecycleRules(PropertyMap lifecycle) {
        List<LifecycleRule> rules = new ArrayList<>();
        for (PropertyMap rule : lifecycle.maps("Rules")) {
            rule.supportOnly("Id", "Status", "Prefix", "ExpirationInDays", "NoncurrentVersionExpiration",
                    "NoncurrentVersionExpirationInDays", "AbortIncompleteMultipartUpload");
            LifecycleRule.Builder builder = LifecycleRule.builder().id(rule.optionalString("Id").orElse(null))
                    .status(rule.string("Status"))
                    // The API needs a filter; CloudFormation's rule without Prefix covers the whole bucket.
                    .filter(f -> f.prefix(rule.optionalString("Prefix").orElse("")));
            rule.optionalInteger("ExpirationInDays").ifPresent(days -> builder.expiration(e -> e.days(days)));
            rule.optionalMap("NoncurrentVersionExpiration").ifPresent(expiration -> {
                expiration.supportOnly("NoncurrentDays", "NewerNoncurrentVersions");
                builder.noncurrentVersionExpiration(e -> e.noncurrentDays(expiration.integer("NoncurrentDays"))
                        .newerNoncurrentVersions(expiration.optionalInteger("NewerNoncurrentVersions").orElse(null)));
            });
            rule.optionalInteger("NoncurrentVersionExpirationInDays")
                    .ifPresent(days -> builder.noncurrentVersionExpiration(e -> e.noncurrentDays(days)));
            rule.optionalMap("AbortIncompleteMultipartUpload").ifPresent(abort ->
                    builder.abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(abort.integer("DaysAfterInitiation"))));
            rules.add(builder.build());
        }
        return rules;
    }

    private static List<QueueConfiguration> queueConfigurations(PropertyMap notifications) {
        notifications.supportOnly("QueueConfigurations");
        return notifications.maps("QueueConfigurations").stream().map(queue -> {
            queue.supportOnly("Event", "Queue", "Filter");
            QueueConfiguration.Builder builder = QueueConfiguration.builder().queueArn(queue.string("Queue"))
                    .eventsWithStrings(queue.string("Event"));
            queue.optionalMap("Filter").ifPresent(filter -> builder.filter(f -> f.key(k -> k.filterRules(
                    filter.supportOnly("S3Key").map("S3Key").supportOnly("Rules").maps("Rules").stream()
                            // moto matches filter rule names case-sensitively and only lowercase; AWS takes either case.
                            .map(rule -> FilterRule.builder().name(rule.string("Name").toLowerCase(Locale.ROOT))
                                    .value(rule.string("Value")).build())
                            .toList()))));
            return builder.build();
        }).toList();
    }
}
