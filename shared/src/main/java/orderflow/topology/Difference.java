package orderflow.topology;

import java.util.Objects;

/** One way the broker's topology differs from the one {@link Topology} defines. */
public record Difference(
    String resource, String name, Kind kind, String property, String expected, String actual) {

  public enum Kind {
    MISSING,
    MISMATCH,
    LOCKED,
    UNVERIFIABLE
  }

  public String describe() {
    String subject = resource + " '" + name + "'";
    return switch (kind) {
      case MISSING -> subject + " is missing";
      case MISMATCH ->
          "%s: %s is %s, expected %s"
              .formatted(subject, property, actual, Objects.toString(expected, "none"));
      case LOCKED -> subject + " is exclusive to another connection and cannot be compared";
      case UNVERIFIABLE -> subject + " could not be compared: " + actual;
    };
  }
}
