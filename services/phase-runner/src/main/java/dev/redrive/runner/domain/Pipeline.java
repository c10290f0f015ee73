package dev.redrive.runner.domain;

import java.util.List;
import java.util.Optional;

/** A pipeline definition: phases that run in order, each in the execution's workspace. */
public record Pipeline(String name, String file, List<Phase> phases) {

  public Pipeline {
    phases = List.copyOf(phases);
  }

  public Optional<Phase> phase(String phaseName) {
    return phases.stream().filter(p -> p.name().equals(phaseName)).findFirst();
  }

  /** The phase after the given one, if any. */
  public Optional<Phase> after(String phaseName) {
    for (int i = 0; i < phases.size() - 1; i++) {
      if (phases.get(i).name().equals(phaseName)) {
        return Optional.of(phases.get(i + 1));
      }
    }
    return Optional.empty();
  }

  /** The phases before the given one, in order. */
  public List<Phase> before(String phaseName) {
    int index = phases.indexOf(phase(phaseName).orElseThrow());
    return phases.subList(0, index);
  }

  public List<String> phaseNames() {
    return phases.stream().map(Phase::name).toList();
  }
}
