package dev.redrive.coordinator.web;

import dev.redrive.support.web.InvalidFieldException;
import java.util.Arrays;

/** A request value that must name a constant of an enum, in any case. */
final class EnumValues {

  private EnumValues() {}

  /** The constant {@code value} names, or a 400 naming the parameter and the values it takes. */
  static <E extends Enum<E>> E oneOf(String parameter, String value, Class<E> type) {
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value.strip())) {
        return constant;
      }
    }
    String shown = value.length() <= 64 ? value : value.substring(0, 64) + "...";
    throw new InvalidFieldException(
        parameter,
        "%s: '%s' is not one of %s"
            .formatted(
                parameter,
                shown,
                String.join(
                    ", ", Arrays.stream(type.getEnumConstants()).map(Enum::name).toList())));
  }
}
