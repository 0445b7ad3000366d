package io.conveyor.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that talks to a real AWS emulator over HTTP (moto by default; LocalStack with
 * {@code -Plocalstack}): one per test JVM, reset before each test. Test methods may take an
 * {@link Emulator} parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("emulator")
@ExtendWith(EmulatorExtension.class)
public @interface AwsEmulator {
}
