package dev.redrive.contract;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(
    packages = "dev.redrive.contract",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ContractIsPlainJavaTest {

  @ArchTest
  static final ArchRule contractDependsOnTheJdkOnly =
      classes()
          .that()
          .resideInAPackage("dev.redrive.contract..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "dev.redrive.contract..")
          .because(
              "every service's domain uses these rules, and a domain is plain Java: no Spring,"
                  + " Kafka, Avro or JSON classes may come in through the contract");
}
