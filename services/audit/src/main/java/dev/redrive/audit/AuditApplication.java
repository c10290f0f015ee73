package dev.redrive.audit;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The audit service: every Redrive event, stored once, in order per execution. */
@SpringBootApplication
public class AuditApplication {

  /**
   * Name of the configuration file ({@code audit.yml}): distinct per service, so the three services
   * can share one classpath in the local launcher and the end-to-end test.
   */
  public static final String CONFIG_NAME = "audit";

  public static void main(String[] args) {
    builder().run(args);
  }

  /** The application with its configuration name set; add properties and run it. */
  public static SpringApplicationBuilder builder() {
    return new SpringApplicationBuilder(AuditApplication.class)
        .main(AuditApplication.class)
        .properties("spring.config.name=" + CONFIG_NAME);
  }
}
