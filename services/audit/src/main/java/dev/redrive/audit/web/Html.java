package dev.redrive.audit.web;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A small HTML writer that escapes every text it is given. */
final class Html {
  private final StringBuilder out = new StringBuilder();

  Html raw(String markup) {
    out.append(markup);
    return this;
  }

  Html text(String text) {
    if (text == null) {
      return this;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return this;
  }

  Html time(Instant at) {
    String iso = at.truncatedTo(ChronoUnit.MILLIS).toString();
    return raw("<time datetime=\"").text(iso).raw("\">").text(iso).raw("</time>");
  }

  Html link(String href, String label) {
    return raw("<a href=\"").text(href).raw("\">").text(label).raw("</a>");
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
