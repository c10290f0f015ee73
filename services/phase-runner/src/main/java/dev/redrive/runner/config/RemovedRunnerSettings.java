package dev.redrive.runner.config;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Stops the start when a removed runner setting is still configured, naming where it was set and
 * what replaced it, instead of ignoring it silently.
 *
 * <p>{@code redrive.runner.first-attempt-max-attempts} told the runner the attempt bound of the
 * attempts it queues itself, to be "kept equal" to the coordinator's. It never could be: the
 * coordinator resolves a phase's policy from its defaults, the source, the pipeline and the phase
 * (the phase's own {@code retry-policy.max-attempts} wins), and counts the phase's failures. The
 * runner now knows the bound only from the phase's declared {@code max-attempts} and otherwise
 * leaves it unknown ({@code REDRIVE_MAX_ATTEMPTS} unset); the coordinator's retries carry it.
 */
public class RemovedRunnerSettings implements EnvironmentPostProcessor, Ordered {

  static final String FIRST_ATTEMPT_MAX_ATTEMPTS = "redrive.runner.first-attempt-max-attempts";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    ConfigurationPropertyName removed = ConfigurationPropertyName.of(FIRST_ATTEMPT_MAX_ATTEMPTS);
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      ConfigurationProperty property = source.getConfigurationProperty(removed);
      if (property != null) {
        throw new IllegalStateException(
            ("%s is set (%s), but it was removed: the runner cannot know the coordinator's policy."
                    + " A phase's attempt bound now comes from its own retry-policy.max-attempts in"
                    + " the pipeline file (which the coordinator applies too); without one it is"
                    + " unknown to the phase (REDRIVE_MAX_ATTEMPTS unset) until the coordinator's"
                    + " first retry, and the coordinator's redrive.coordinator.policy.max-attempts"
                    + " decides. Remove the setting.")
                .formatted(
                    FIRST_ATTEMPT_MAX_ATTEMPTS,
                    property.getOrigin() == null
                        ? source.getUnderlyingSource()
                        : property.getOrigin()));
      }
    }
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
