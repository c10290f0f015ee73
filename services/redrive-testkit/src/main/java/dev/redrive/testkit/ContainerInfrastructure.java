package dev.redrive.testkit;

import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** Kafka (KRaft) and PostgreSQL in Docker containers, for machines that have a Docker engine. */
public final class ContainerInfrastructure implements RedriveInfrastructure {

  static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
  static final String POSTGRES_IMAGE = "postgres:17-alpine";

  private final KafkaContainer kafka;
  private final PostgreSQLContainer postgres;

  private ContainerInfrastructure(KafkaContainer kafka, PostgreSQLContainer postgres) {
    this.kafka = kafka;
    this.postgres = postgres;
  }

  static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  /** Starts both containers (the images are pulled on first use). */
  public static ContainerInfrastructure start() {
    KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
    EmbeddedInfrastructure.SINGLE_NODE_BROKER.forEach(
        (key, value) -> kafka.withEnv("KAFKA_" + key.toUpperCase().replace('.', '_'), value));
    PostgreSQLContainer postgres = new PostgreSQLContainer(POSTGRES_IMAGE);
    List<String> command = new ArrayList<>(List.of("postgres", "-c", "fsync=off"));
    EmbeddedInfrastructure.TEST_POSTGRES.forEach(
        (key, value) -> command.addAll(List.of("-c", key + "=" + value)));
    postgres.withCommand(command.toArray(String[]::new));
    kafka.start();
    postgres.start();
    return new ContainerInfrastructure(kafka, postgres);
  }

  @Override
  public String kafkaBootstrapServers() {
    return kafka.getBootstrapServers();
  }

  @Override
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://%s:%d/%s"
        .formatted(postgres.getHost(), postgres.getMappedPort(5432), database);
  }

  @Override
  public String jdbcUser() {
    return postgres.getUsername();
  }

  @Override
  public String jdbcPassword() {
    return postgres.getPassword();
  }

  @Override
  public void close() {
    kafka.stop();
    postgres.stop();
  }
}
