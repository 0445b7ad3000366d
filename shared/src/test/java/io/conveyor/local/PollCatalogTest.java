package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.pipeline.Pipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PollCatalogTest {

    @Test
    void pipeline_askedManyTimesBetweenLooks_asksTheCatalogOncePerNameUntilForgotten() {
        // Given a catalog that counts what it is asked
        List<String> asked = new ArrayList<>();
        PollCatalog catalog = new PollCatalog(name -> {
            asked.add(name);
            return Optional.<Pipeline>empty();
        });

        // When two names are asked for three times each, then the loop looks again and one is asked for once more
        for (int i = 0; i < 3; i++) {
            assertThat(catalog.pipeline("nightly")).isEmpty();
            assertThat(catalog.pipeline("tiny")).isEmpty();
        }
        catalog.forget();
        catalog.pipeline("nightly");

        // Then the catalog heard each name once per look
        assertThat(asked).containsExactly("nightly", "tiny", "nightly");
    }
}
