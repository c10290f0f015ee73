package dev.redrive.support.avro;

import static dev.redrive.support.avro.AvroSamples.VALUE_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redrive.avro.RetryRequested;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest {

  private static final String SCOPE = "in-memory-registry-test";
  private static final Schema CURRENT = RetryRequested.getClassSchema();
  private static final Schema NEWER = AvroSamples.newerRetryRequestedSchema();

  @AfterEach
  void dropScope() {
    InMemorySchemaRegistry.dropScope(SCOPE);
  }

  @Test
  void shouldHandOutIdsInSequenceAndKeepOneIdPerSchema() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    int first = registry.register(VALUE_SUBJECT, CURRENT);
    int again = registry.register(VALUE_SUBJECT, CURRENT);
    int second = registry.register(VALUE_SUBJECT, NEWER);
    int otherSubject = registry.register("redrive.other-value", CURRENT);

    assertThat(first).isEqualTo(1);
    assertThat(again).isEqualTo(1);
    assertThat(second).isEqualTo(2);
    assertThat(otherSubject).isEqualTo(1);
    assertThat(registry.getById(2)).isEqualTo(NEWER);
  }

  @Test
  void shouldAnswerLatestWithIdAndVersion() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    registry.register(VALUE_SUBJECT, CURRENT);
    int newerId = registry.register(VALUE_SUBJECT, NEWER);

    assertThat(registry.latest(VALUE_SUBJECT))
        .isEqualTo(new RegisteredSchema(VALUE_SUBJECT, newerId, 2, NEWER));
  }

  @Test
  void shouldLookUpOnlyWhatIsRegisteredUnderTheSubject() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    registry.register("redrive.other-value", CURRENT);

    assertThatThrownBy(() -> registry.lookup(VALUE_SUBJECT, CURRENT))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessage(
            "Schema registry at mock://(unscoped): subject 'redrive.requests-value' not found"
                + " (404, error 40401)");
    registry.register(VALUE_SUBJECT, NEWER);
    assertThatThrownBy(() -> registry.lookup(VALUE_SUBJECT, CURRENT))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND))
        .hasMessageContaining("schema not registered under subject 'redrive.requests-value'");
  }

  @Test
  void shouldShareOneRegistryPerScopeUntilTheScopeIsDropped() {
    InMemorySchemaRegistry registry = InMemorySchemaRegistry.forScope(SCOPE);
    registry.register(VALUE_SUBJECT, CURRENT);

    assertThat(SchemaRegistryClients.forUrl("mock://" + SCOPE)).isSameAs(registry);

    InMemorySchemaRegistry.dropScope(SCOPE);
    InMemorySchemaRegistry fresh = InMemorySchemaRegistry.forScope(SCOPE);
    assertThat(fresh).isNotSameAs(registry);
    assertThatThrownBy(() -> fresh.getById(1))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessage(
            "Schema registry at mock://in-memory-registry-test: schema id 1 not found"
                + " (404, error 40403)");
  }
}
