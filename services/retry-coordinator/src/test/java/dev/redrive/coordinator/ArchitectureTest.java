package dev.redrive.coordinator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(
    packages = "dev.redrive.coordinator",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule domainDependsOnNoFrameworkOrTransport =
      noClasses()
          .that()
          .resideInAPackage("..domain..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.springframework..",
              "org.apache.kafka..",
              "java.sql..",
              "javax.sql..",
              "org.springframework.jdbc..",
              "dev.redrive.avro..",
              "org.apache.avro..",
              "tools.jackson..",
              "com.fasterxml.jackson..")
          .because(
              "retry decisions (policy, context, recommended actions) are plain Java that tests"
                  + " call without Spring, Kafka, a database or the generated Avro classes;"
                  + " adapters translate at the edges");

  @ArchTest
  static final ArchRule domainDoesNotReachIntoTheAdapters =
      noClasses()
          .that()
          .resideInAPackage("dev.redrive.coordinator.domain..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.redrive.coordinator.app..",
              "dev.redrive.coordinator.kafka..",
              "dev.redrive.coordinator.web..",
              "dev.redrive.coordinator.persistence..",
              "dev.redrive.coordinator.config..",
              "dev.redrive.support..")
          .because(
              "the domain is the centre: use cases and adapters call it, never the other way"
                  + " round");
}
