package io.conveyor.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that talks to a real moto server: one per test JVM, reset before each test;
 * test methods may take a {@link MotoServer} parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("emulator")
@ExtendWith(MotoExtension.class)
public @interface Moto {
}
