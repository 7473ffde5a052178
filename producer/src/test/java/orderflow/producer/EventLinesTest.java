package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import orderflow.envelope.EventCodec;
import orderflow.envelope.InvalidEventException;
import org.junit.jupiter.api.Test;

/** {@code producer watch} prints what a message carries without letting it control the terminal. */
class EventLinesTest {
  private static final String HOSTILE_ID = "id\nINFO forged\u001b[2J\u009b31m";

  @Test
  void anInvalidMessageWithAHostileMessageIdIsOneEscapedTextLine() {
    String line = EventLines.invalid(null, delivery(HOSTILE_ID), invalid(), false);

    assertTrue(line.startsWith("INVALID message_id=id\\nINFO forged\\u001b[2J\\u009b31m "), line);
    assertNoControlCharacters(line);
  }

  @Test
  void theJsonLineKeepsTheValueButEscapesEveryControlCharacter() throws Exception {
    String line = EventLines.invalid(null, delivery(HOSTILE_ID), invalid(), true);

    assertNoControlCharacters(line);
    assertEquals(HOSTILE_ID, EventCodec.mapper().readTree(line).get("messageId").asText());
  }

  private static InvalidEventException invalid() {
    return new InvalidEventException("eventId", "must be a UUID, was 'x\ny'");
  }

  private static Delivery delivery(String messageId) {
    return new Delivery(
        new Envelope(1, false, "orders", "order.created"),
        new AMQP.BasicProperties.Builder().messageId(messageId).build(),
        new byte[0]);
  }

  private static void assertNoControlCharacters(String line) {
    assertFalse(line.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)), line);
  }
}
