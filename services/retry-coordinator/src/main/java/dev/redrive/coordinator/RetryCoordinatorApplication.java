package dev.redrive.coordinator;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The retry-coordinator: attempt counts in PostgreSQL, retry policy, retry context. */
@SpringBootApplication
public class RetryCoordinatorApplication {

  /**
   * Name of the configuration file ({@code retry-coordinator.yml}): distinct per service, so the
   * three services can share one classpath in the local launcher and the end-to-end test.
   */
  public static final String CONFIG_NAME = "retry-coordinator";

  public static void main(String[] args) {
    builder().run(args);
  }

  /** The application with its configuration name set; add properties and run it. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(RetryCoordinatorApplication.class)
        .main(RetryCoordinatorApplication.class)
        .properties("spring.config.name=" + CONFIG_NAME);
  }
}
