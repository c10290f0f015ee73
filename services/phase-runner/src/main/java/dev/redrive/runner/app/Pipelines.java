package dev.redrive.runner.app;

import dev.redrive.runner.domain.Pipeline;
import java.util.Collection;
import java.util.Optional;

/** The pipelines this runner knows (port; the definition catalog loads them at start). */
public interface Pipelines {

  Optional<Pipeline> find(String name);

  Collection<Pipeline> all();
}
