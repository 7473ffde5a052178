package orderflow.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import orderflow.envelope.OrderCancelled;
import org.junit.jupiter.api.Test;

/**
 * The schemas' patterns stay within what Java, JavaScript and Python read alike: no {@code \p{..}}
 * classes, and no {@code $} without a rule against line breaks. The forbidden characters of ids and
 * reasons, named as explicit ranges, are checked against the codec's rule character by character.
 */
class TextPatternTest {
  private static final String LINE_BREAK = "[\\n\\r\\u0085\\u2028\\u2029]";

  /**
   * Format characters since Unicode 14 (Java 18 and later), which the pattern leaves out so that it
   * never refuses what the codec accepts on Java 17.
   */
  private static final Set<Integer> NEWER_FORMAT_CHARACTERS = Set.of(0x0890, 0x0891);

  private static final JsonNode DEFINITIONS =
      EventSchemas.read(EventSchemas.ENVELOPE).path("definitions");

  @Test
  void noPatternUsesUnicodePropertyClassesAndEveryEndAnchorRefusesLineBreaks() {
    List<String> wrong = new ArrayList<>();
    for (EventSchema schema : EventSchemas.all()) {
      collect(EventSchemas.read(schema), schema.fileName(), wrong);
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void idsAndReasonsShareOneRule() {
    assertEquals(
        DEFINITIONS.path("id").path("pattern"), DEFINITIONS.path("reason").path("pattern"));
    assertEquals(DEFINITIONS.path("id").path("not"), DEFINITIONS.path("reason").path("not"));
  }

  @Test
  void theIdRuleRefusesOnlyWhatTheCodecRefusesAndMissesNoneOfTheBasicPlane() {
    Pattern required = Pattern.compile(DEFINITIONS.path("id").path("pattern").asText());
    Pattern forbidden =
        Pattern.compile(DEFINITIONS.path("id").path("not").path("pattern").asText());
    List<String> refusedBySchemaOnly = new ArrayList<>();
    List<String> refusedByCodecOnly = new ArrayList<>();
    for (int c = 0; c <= 0xFFFF; c++) {
      String text = "a" + (char) c;
      boolean bySchema = !required.matcher(text).find() || forbidden.matcher(text).find();
      boolean byCodec = !codecAccepts(text);
      if (bySchema && !byCodec) {
        refusedBySchemaOnly.add(String.format("U+%04X", c));
      }
      if (byCodec && !bySchema && !NEWER_FORMAT_CHARACTERS.contains(c)) {
        refusedByCodecOnly.add(String.format("U+%04X", c));
      }
    }
    assertEquals(List.of(), refusedBySchemaOnly, "the codec writes these, the schema refuses them");
    assertEquals(List.of(), refusedByCodecOnly, "the schema misses these");
  }

  private static void collect(JsonNode node, String where, List<String> wrong) {
    if (node.isObject()) {
      String pattern = node.path("pattern").asText("");
      if (pattern.contains("\\p")) {
        wrong.add(where + ": \\p in " + pattern);
      }
      if (pattern.endsWith("$") && !LINE_BREAK.equals(node.path("not").path("pattern").asText())) {
        wrong.add(where + ": $ without not/pattern " + LINE_BREAK);
      }
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        collect(field.getValue(), where + "/" + field.getKey(), wrong);
      }
    } else if (node.isArray()) {
      node.forEach(element -> collect(element, where, wrong));
    }
  }

  private static boolean codecAccepts(String orderId) {
    try {
      new OrderCancelled(orderId, "r");
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
