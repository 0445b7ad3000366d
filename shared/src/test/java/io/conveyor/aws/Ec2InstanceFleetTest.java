package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

class Ec2InstanceFleetTest {

    @Test
    void isZoneRefusal_errorWithoutACode_isNoRefusalAndDoesNotThrow() {
        // moto answers an unknown launch template with a bare HTTP 500: no error code at all
        Ec2Exception bare = (Ec2Exception) Ec2Exception.builder().statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorMessage("Internal Server Error").build()).build();
        Ec2Exception noDetails = (Ec2Exception) Ec2Exception.builder().statusCode(500).build();

        assertThat(Ec2InstanceFleet.isZoneRefusal(bare)).isFalse();
        assertThat(Ec2InstanceFleet.isZoneRefusal(noDetails)).isFalse();
    }

    @Test
    void isZoneRefusal_insufficientCapacity_isOneAndAnAuthorizationErrorIsNot() {
        Ec2Exception capacity = (Ec2Exception) Ec2Exception.builder().statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InsufficientInstanceCapacity").build()).build();
        Ec2Exception denied = (Ec2Exception) Ec2Exception.builder().statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("UnauthorizedOperation").build()).build();

        assertThat(Ec2InstanceFleet.isZoneRefusal(capacity)).isTrue();
        assertThat(Ec2InstanceFleet.isZoneRefusal(denied)).isFalse();
    }
}
