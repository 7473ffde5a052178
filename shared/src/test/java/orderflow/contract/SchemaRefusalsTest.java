package orderflow.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import orderflow.envelope.EventCodec;
import orderflow.envelope.InvalidEventException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message the codec refuses as invalid is refused by the schema of any event too, but for the
 * listed differences ({@link RefusalCases}); the test checks that each list is still true (a schema
 * that learns to refuse a message of the codec-only list fails here, so the message moves).
 */
class SchemaRefusalsTest {
  private static final EventCodec CODEC = new EventCodec();
  private static final SchemaValidator VALIDATOR = new SchemaValidator();

  @ParameterizedTest(name = "{0}")
  @MethodSource("orderflow.contract.RefusalCases#refusedByBoth")
  void theSchemaRefusesWhatTheCodecRefuses(BadMessage message) {
    assertThrows(InvalidEventException.class, () -> CODEC.decode(message.body()), "codec");
    assertFalse(
        VALIDATOR.errors(EventSchemas.ANY_EVENT, message.body()).isEmpty(),
        "the schema accepts " + new String(message.body(), StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("orderflow.contract.RefusalCases#refusedByTheCodecOnly")
  void theListedDifferencesAreRefusedByTheCodecOnly(BadMessage message) {
    assertThrows(InvalidEventException.class, () -> CODEC.decode(message.body()), "codec");
    assertEquals(List.of(), VALIDATOR.errors(EventSchemas.ANY_EVENT, message.body()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("orderflow.contract.RefusalCases#refusedByTheSchemaOnly")
  void theListedStricterReadingsAreRefusedByTheSchemaOnly(BadMessage message) {
    CODEC.decode(message.body());
    assertFalse(VALIDATOR.errors(EventSchemas.ANY_EVENT, message.body()).isEmpty());
  }
}
