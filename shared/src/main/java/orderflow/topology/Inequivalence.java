package orderflow.topology;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed 406 PRECONDITION_FAILED "inequivalent arg" reply, e.g. {@code inequivalent arg
 * 'x-queue-type' for queue 'q' in vhost '/': received the value 'quorum' of type 'longstr' but
 * current is none}.
 */
record Inequivalence(String argument, BrokerValue received, BrokerValue current) {
  private static final Pattern REPLY =
      Pattern.compile(
          "inequivalent arg '([^']+)' for \\w+ '.*' in vhost '.*': received (.+?) but current is"
              + " (.+)$");

  static Optional<Inequivalence> parse(String replyText) {
    if (replyText == null) {
      return Optional.empty();
    }
    Matcher matcher = REPLY.matcher(replyText);
    if (!matcher.find()) {
      return Optional.empty();
    }
    return Optional.of(
        new Inequivalence(
            matcher.group(1),
            BrokerValue.parse(matcher.group(2)),
            BrokerValue.parse(matcher.group(3))));
  }

  /**
   * A value as the broker prints it: {@code none}, {@code 'true'}, or {@code the value 'V' of type
   * 'T'}.
   *
   * @param text the value without quotes, or null for none
   * @param type the AMQP field type, or null for a bare flag
   */
  record BrokerValue(String text, String type) {
    private static final Pattern TYPED = Pattern.compile("^the value '(.*)' of type '([^']+)'$");
    private static final Pattern QUOTED = Pattern.compile("^'(.*)'$");

    static BrokerValue parse(String printed) {
      String trimmed = printed.trim();
      if (trimmed.equals("none")) {
        return new BrokerValue(null, null);
      }
      Matcher typed = TYPED.matcher(trimmed);
      if (typed.matches()) {
        return new BrokerValue(typed.group(1), typed.group(2));
      }
      Matcher quoted = QUOTED.matcher(trimmed);
      return new BrokerValue(quoted.matches() ? quoted.group(1) : trimmed, null);
    }

    String display() {
      return text == null ? "none" : text;
    }

    /**
     * Puts this value into {@code declared} under {@code key} as the Java type the client sends
     * with the same AMQP type class, so the next declare agrees with the broker on it.
     *
     * @return false when the value's type cannot be reproduced (probing stops there)
     */
    boolean adoptInto(Map<String, Object> declared, String key) {
      if (text == null) {
        declared.remove(key);
        return true;
      }
      if (type == null) {
        Object previous = declared.get(key);
        declared.put(key, previous instanceof Boolean ? (Object) Boolean.valueOf(text) : text);
        return true;
      }
      switch (type) {
        case "longstr", "shortstr" -> declared.put(key, text);
        case "long",
            "signedint",
            "short",
            "byte",
            "unsignedbyte",
            "unsignedshort",
            "unsignedint" -> {
          try {
            declared.put(key, Long.parseLong(text));
          } catch (NumberFormatException e) {
            return false;
          }
        }
        case "bool" -> declared.put(key, Boolean.valueOf(text));
        default -> {
          return false;
        }
      }
      return true;
    }
  }
}
