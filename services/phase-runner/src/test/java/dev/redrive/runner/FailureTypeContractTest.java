package dev.redrive.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redrive.runner.domain.FailureType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The domain's failure types are the Avro contract's, symbol for symbol and in order: a type added
 * to one and not the other would be mapped to OTHER (or fail) at the edge.
 */
class FailureTypeContractTest {

  @Test
  void shouldHaveExactlyTheSymbolsOfTheAvroEnum() {
    assertThat(Arrays.stream(FailureType.values()).map(Enum::name))
        .containsExactlyElementsOf(
            Arrays.stream(dev.redrive.avro.FailureType.values()).map(Enum::name).toList());
  }
}
