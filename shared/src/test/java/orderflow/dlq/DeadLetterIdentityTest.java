package orderflow.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import orderflow.deadletter.DeadLetterHeaders;
import orderflow.envelope.EventCodec;
import org.junit.jupiter.api.Test;

/** Dead letters are known by their body, and print safely whatever their body holds. */
class DeadLetterIdentityTest {
  private static final AMQP.BasicProperties NO_PROPERTIES =
      new AMQP.BasicProperties.Builder()
          .headers(Map.of(DeadLetterHeaders.REASON, "invalid-event"))
          .build();

  @Test
  void aLetterWithoutMessageIdOrTypeIsKnownByItsBody() {
    DeadLetter letter =
        read(NO_PROPERTIES, utf8("{\"eventId\":\"e-7\",\"eventType\":\"OrderCreated\"}"));

    assertEquals("e-7", letter.eventId());
    assertEquals("OrderCreated", letter.eventType());
    assertNull(letter.messageId());
    assertTrue(DlqCommand.summary(letter).startsWith("e-7 "), DlqCommand.summary(letter));
    assertTrue(FilterOptions.eventId("e-7").matches(letter));
  }

  @Test
  void aLetterNamesItsOrderFromTheCorrelationIdThePayloadOrAVersionOneBody() {
    DeadLetter reserved =
        read(
            NO_PROPERTIES,
            utf8(
                "{\"eventId\":\"e-8\",\"eventType\":\"InventoryReserved\","
                    + "\"payload\":{\"items\":[{\"productId\":\"p\"}],\"orderId\":\"o-1\"},"
                    + "\"metadata\":{\"source\":\"inventory\",\"correlationId\":\"o-1\"}}"));
    DeadLetter payloadOnly =
        read(NO_PROPERTIES, utf8("{\"eventId\":\"e-9\",\"payload\":{\"orderId\":\"o-2\"}}"));
    DeadLetter legacy =
        read(NO_PROPERTIES, utf8("{\"type\":\"OrderCreated\",\"data\":{\"order_id\":\"o-3\"}}"));

    assertEquals("o-1", reserved.orderId());
    assertTrue(DlqCommand.summary(reserved).contains("order=o-1"), DlqCommand.summary(reserved));
    assertEquals("o-1", EventCodec.mapper().valueToTree(reserved).get("orderId").asText());
    assertEquals("o-2", payloadOnly.orderId());
    assertEquals("o-3", legacy.orderId());
    assertNull(read(NO_PROPERTIES, utf8("not json")).orderId());
  }

  @Test
  void anUndecodableBodyGetsAStableDigestIdOfItsOwn() {
    DeadLetter first = read(NO_PROPERTIES, utf8("not json"));
    DeadLetter again = read(NO_PROPERTIES, utf8("not json"));
    DeadLetter other = read(NO_PROPERTIES, utf8("not json either"));
    DeadLetter hugeId = read(NO_PROPERTIES, utf8("{\"eventId\":\"" + "x".repeat(500) + "\"}"));

    assertTrue(first.eventId().matches("sha256-[0-9a-f]{32}"), first.eventId());
    assertEquals(first.eventId(), again.eventId());
    assertNotEquals(first.eventId(), other.eventId());
    assertTrue(hugeId.eventId().startsWith("sha256-"), "an unusable eventId is not a key");
    assertTrue(FilterOptions.eventId(first.eventId()).matches(first));
  }

  @Test
  void aForgedMessageIdDoesNotHideTheBodysEventIdAndBothAreShown() {
    AMQP.BasicProperties forged =
        new AMQP.BasicProperties.Builder()
            .messageId("e-1")
            .type("OrderShipped")
            .headers(Map.of(DeadLetterHeaders.REASON, "invalid-event"))
            .build();

    DeadLetter letter = read(forged, utf8("{\"eventId\":\"e-2\",\"eventType\":\"OrderCreated\"}"));

    assertEquals("e-2", letter.eventId());
    assertEquals("e-1", letter.messageId());
    assertEquals("OrderCreated", letter.eventType());
    assertEquals("OrderShipped", letter.typeProperty());
    String line = DlqCommand.summary(letter);
    assertTrue(line.startsWith("e-2 "), line);
    assertTrue(line.contains("message_id=e-1"), line);
    assertTrue(line.contains("type_property=OrderShipped"), line);
    assertFalse(FilterOptions.eventId("e-1").matches(letter));
    assertEquals("e-1", EventCodec.mapper().valueToTree(letter).get("messageId").asText());
  }

  @Test
  void aBinaryBodyIsBase64AndAListedBodyIsCut() {
    byte[] binary = {(byte) 0xff, 0x00, 0x1b, '[', '3', '1', 'm', (byte) 0xc3};
    LetterBody whole = LetterBody.of(binary, LetterBody.WHOLE);
    LetterBody longText = LetterBody.of(utf8("é".repeat(10_000)), 100);

    assertEquals("base64", whole.encoding());
    assertEquals(Base64.getEncoder().encodeToString(binary), whole.text());
    assertFalse(whole.truncated());
    assertEquals("utf-8", longText.encoding());
    assertEquals(100, longText.text().length());
    assertEquals(20_000, longText.bytes());
    assertTrue(longText.truncated());
    assertFalse(LetterBody.of(utf8("é".repeat(100)), 100).truncated());
    assertTrue(LetterBody.of(new byte[3000], 100).text().length() <= 100);
    LetterBody cutBinary = LetterBody.of(new byte[] {(byte) 0xff, 1, 2, 3, 4, 5, 6, 7}, 4);
    assertEquals("base64", cutBinary.encoding());
    assertEquals(4, cutBinary.text().length());
    assertTrue(cutBinary.truncated());
  }

  @Test
  void controlCharactersFromAMessageNeverReachTheTerminal() {
    DeadLetter letter =
        read(
            new AMQP.BasicProperties.Builder()
                .headers(Map.of(DeadLetterHeaders.REASON, "bad\u001b[31m\r\nforged line\u202e"))
                .build(),
            utf8("x"));

    String line = DlqCommand.summary(letter);

    assertTrue(line.contains("bad\\u001b[31m\\r\\nforged line\\u202e"), line);
    assertTrue(line.chars().noneMatch(c -> c < 0x20 || c == 0x202e), line);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static DeadLetter read(AMQP.BasicProperties properties, byte[] body) {
    return DeadLetter.read(properties, body, LetterBody.WHOLE);
  }
}
