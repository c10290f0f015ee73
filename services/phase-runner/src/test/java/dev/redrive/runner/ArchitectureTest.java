package dev.redrive.runner;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(
    packages = "dev.redrive.runner",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  /** The runner's adapters: they implement app's ports or call its use cases. */
  private static final String[] ADAPTERS = {
    "dev.redrive.runner.persistence..",
    "dev.redrive.runner.kafka..",
    "dev.redrive.runner.web..",
    "dev.redrive.runner.process..",
    "dev.redrive.runner.http..",
    "dev.redrive.runner.workspace..",
    "dev.redrive.runner.phase..",
    "dev.redrive.runner.definition..",
    "dev.redrive.runner.config.."
  };

  @ArchTest
  static final ArchRule domainUsesOnlyTheJdkAndTheSharedContract =
      classes()
          .that()
          .resideInAPackage("dev.redrive.runner.domain..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "dev.redrive.runner.domain..", "dev.redrive.contract..")
          .because(
              "the domain is plain Java, and the rules every service must apply alike (the attempt"
                  + " bound, the execution statuses, the error report and its recommended actions)"
                  + " come from dev.redrive.contract in schemas, never from a copy of its own");

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
              "com.fasterxml.jackson..",
              "io.micrometer..",
              "org.slf4j..")
          .because(
              "pipelines, phases, outcomes, error reports and the rollback and loop plans are"
                  + " plain Java that tests call without Spring, Kafka, a database, metrics, logging"
                  + " or the generated Avro classes; adapters translate at the edges");

  @ArchTest
  static final ArchRule domainDoesNotReachIntoTheAdapters =
      noClasses()
          .that()
          .resideInAPackage("dev.redrive.runner.domain..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.redrive.runner.app..",
              "dev.redrive.runner.definition..",
              "dev.redrive.runner.kafka..",
              "dev.redrive.runner.web..",
              "dev.redrive.runner.persistence..",
              "dev.redrive.runner.process..",
              "dev.redrive.runner.http..",
              "dev.redrive.runner.workspace..",
              "dev.redrive.runner.phase..",
              "dev.redrive.runner.config..",
              "dev.redrive.support..")
          .because(
              "the domain is the centre: the parser, use cases and adapters use it, never the"
                  + " other way round");

  @ArchTest
  static final ArchRule useCasesNeverDependOnAdapters =
      noClasses()
          .that()
          .resideInAPackage("dev.redrive.runner.app..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(ADAPTERS)
          .because(
              "use cases own their ports (store, workspace, phase runner, events, state file) and"
                  + " the adapters implement them, so a use case reads without JDBC, Kafka, HTTP,"
                  + " processes or files, and an adapter can be swapped without touching it");

  @ArchTest
  static final ArchRule useCasesDoNotSpeakKafka =
      noClasses()
          .that()
          .resideInAPackage("dev.redrive.runner.app..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.apache.kafka..",
              "org.springframework.kafka..",
              "dev.redrive.avro..",
              "org.apache.avro..",
              "dev.redrive.support.kafka..",
              "org.springframework.web..",
              "org.springframework.jdbc..",
              "java.sql..")
          .because(
              "a use case answers people and the coordinator alike: its refusals are its own"
                  + " exceptions, which the web adapter maps to HTTP answers and the Kafka error"
                  + " handler to the dead-letter topic");

  @ArchTest
  static final ArchRule webAndKafkaCallOnlyUseCases =
      noClasses()
          .that()
          .resideInAnyPackage("dev.redrive.runner.web..", "dev.redrive.runner.kafka..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.redrive.runner.persistence..",
              "dev.redrive.runner.process..",
              "dev.redrive.runner.http..",
              "dev.redrive.runner.workspace..",
              "dev.redrive.runner.phase..",
              "dev.redrive.runner.definition..",
              "dev.redrive.runner.config..")
          .because(
              "the driving adapters translate a request or a record and make one call into app;"
                  + " they never reach the database, the workspaces or other adapters themselves");

  @ArchTest
  static final ArchRule webAndKafkaDoNotCallEachOther =
      slices()
          .matching("dev.redrive.runner.(web|kafka)..")
          .should()
          .notDependOnEachOther()
          .because("REST and Kafka are two doors into the same use cases");

  @ArchTest
  static final ArchRule packagesAreFreeOfCycles =
      slices()
          .matching("dev.redrive.runner.(*)..")
          .should()
          .beFreeOfCycles()
          .because(
              "each package builds on the ones below it (domain, then app, then the adapters and"
                  + " config), so any of them can be read and tested without the ones above");
}
