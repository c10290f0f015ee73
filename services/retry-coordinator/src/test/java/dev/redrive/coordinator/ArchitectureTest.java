package dev.redrive.coordinator;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(
    packages = "dev.redrive.coordinator",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule domainUsesOnlyTheJdkAndTheSharedContract =
      classes()
          .that()
          .resideInAPackage("dev.redrive.coordinator.domain..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "java..", "dev.redrive.coordinator.domain..", "dev.redrive.contract..")
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

  @ArchTest
  static final ArchRule slicesAreFreeOfCycles =
      slices()
          .matching("dev.redrive.coordinator.(*)..")
          .should()
          .beFreeOfCycles()
          .because(
              "each folder is a layer one can read and test on its own: use cases own the ports"
                  + " that persistence and kafka implement, so the arrows all point towards app and"
                  + " domain, and a change to an adapter never ripples back into the decisions");

  @ArchTest
  static final ArchRule useCasesKnowNoAdapter =
      noClasses()
          .that()
          .resideInAPackage("dev.redrive.coordinator.app..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.redrive.coordinator.persistence..",
              "dev.redrive.coordinator.web..",
              "dev.redrive.coordinator.kafka..",
              "dev.redrive.coordinator.config..",
              "org.springframework.jdbc..",
              "dev.redrive.avro..",
              "org.apache.kafka..")
          .because(
              "use cases talk to the world only through the interfaces app declares (AttemptLog,"
                  + " BudgetStore, ExecutionStore, CoordinatorEvents...), so they run in unit tests"
                  + " on in-memory fakes; persistence depends on app to implement them, not the"
                  + " other way round");

  @ArchTest
  static final ArchRule webCallsUseCasesOnly =
      noClasses()
          .that()
          .resideInAPackage("dev.redrive.coordinator.web..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("dev.redrive..")
                  .and(
                      not(
                          resideInAnyPackage(
                              "dev.redrive.coordinator.web..",
                              "dev.redrive.coordinator.app..",
                              "dev.redrive.coordinator.domain..",
                              "dev.redrive.contract..",
                              "dev.redrive.support.."))))
          .because(
              "a controller translates HTTP and makes one call into a use case (ShowExecution,"
                  + " RequestRetry, BulkRetry); reading the tables or the settings directly would"
                  + " put a second way in next to the use case");

  @ArchTest
  static final ArchRule kafkaDoesNotReachIntoPersistenceOrWeb =
      noClasses()
          .that()
          .resideInAPackage("dev.redrive.coordinator.kafka..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.redrive.coordinator.persistence..", "dev.redrive.coordinator.web..")
          .because(
              "a listener turns a record into a command for a use case and lets exceptions out;"
                  + " what is stored is the use case's decision, in the use case's transaction");

  @ArchTest
  static final ArchRule persistenceOnlyImplementsPorts =
      noClasses()
          .that()
          .resideInAPackage("dev.redrive.coordinator.persistence..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.redrive.coordinator.web..",
              "dev.redrive.coordinator.kafka..",
              "dev.redrive.coordinator.config..")
          .because(
              "persistence implements the ports app declares with SQL, and knows nothing of who"
                  + " calls the use cases nor how they are wired");
}
