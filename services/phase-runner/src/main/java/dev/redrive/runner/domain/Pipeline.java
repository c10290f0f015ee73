package dev.redrive.runner.domain;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
    int index = indexOf(phaseName);
    return index + 1 < phases.size() ? Optional.of(phases.get(index + 1)) : Optional.empty();
  }

  /** The phases before the given one, in order. */
  public List<Phase> before(String phaseName) {
    return phases.subList(0, indexOf(phaseName));
  }

  /** The given phase and every phase after it, in order. */
  public List<Phase> fromPhase(String phaseName) {
    return phases.subList(indexOf(phaseName), phases.size());
  }

  public List<String> phaseNames() {
    return phases.stream().map(Phase::name).toList();
  }

  /** Inputs some phase reads that the given parameters do not provide, in order of first use. */
  public List<String> missingInputs(Map<String, String> parameters) {
    Set<String> missing = new LinkedHashSet<>();
    for (Phase phase : phases) {
      for (String input : phase.inputs()) {
        if (!parameters.containsKey(input)) {
          missing.add(input);
        }
      }
    }
    return new ArrayList<>(missing);
  }

  private int indexOf(String phaseName) {
    for (int i = 0; i < phases.size(); i++) {
      if (phases.get(i).name().equals(phaseName)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "pipeline %s has no phase '%s'; it has %s".formatted(name, phaseName, phaseNames()));
  }
}
