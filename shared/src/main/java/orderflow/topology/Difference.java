package orderflow.topology;

import java.util.Objects;

/**
 * One way the broker's topology differs from the one {@link Topology} defines.
 *
 * @param resource {@code exchange} or {@code queue}
 * @param name the resource's name on the broker
 * @param property the differing property or argument ({@code type}, {@code durable}, {@code
 *     x-queue-type}, ...), or null when the resource is missing or locked
 * @param expected what the code defines, or null
 * @param actual what the broker has ({@code none} when absent), or why it could not be compared
 */
public record Difference(
    String resource, String name, Kind kind, String property, String expected, String actual) {

  /** The kinds of difference {@link TopologyVerifier} reports. */
  public enum Kind {
    /** The resource does not exist on the broker. */
    MISSING,
    /** The resource exists with another type, flag or argument. */
    MISMATCH,
    /** The queue is exclusive to another connection, so it cannot be compared. */
    LOCKED,
    /** The broker refused the comparison for another reason, given in {@code actual}. */
    UNVERIFIABLE
  }

  public Difference {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
  }

  /** One line for people, e.g. {@code queue 'shipping': x-queue-type is none, expected quorum}. */
  public String describe() {
    String subject = resource + " '" + name + "'";
    return switch (kind) {
      case MISSING -> subject + " is missing";
      case MISMATCH ->
          subject
              + ": "
              + property
              + " is "
              + actual
              + ", expected "
              + Objects.toString(expected, "none");
      case LOCKED -> subject + " is exclusive to another connection and cannot be compared";
      case UNVERIFIABLE -> subject + " could not be compared: " + actual;
    };
  }
}
