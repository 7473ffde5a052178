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
        DeadLetterReader.read(
            NO_PROPERTIES, utf8("{\"eventId\":\"e-7\",\"eventType\":\"OrderCreated\"}"));

    assertEquals("e-7", letter.eventId());
    assertEquals("OrderCreated", letter.eventType());
    assertNull(letter.messageId());
    assertTrue(DlqLines.summary(letter).startsWith("e-7 "), DlqLines.summary(letter));
    assertTrue(DeadLetterFilter.eventId("e-7").matches(letter));
  }

  @Test
  void aLetterNamesItsOrderFromTheCorrelationIdThePayloadOrAVersionOneBody() {
    DeadLetter reserved =
        DeadLetterReader.read(
            NO_PROPERTIES,
            utf8(
                "{\"eventId\":\"e-8\",\"eventType\":\"InventoryReserved\","
                    + "\"payload\":{\"items\":[{\"productId\":\"p\"}],\"orderId\":\"o-1\"},"
                    + "\"metadata\":{\"source\":\"inventory\",\"correlationId\":\"o-1\"}}"));
    DeadLetter payloadOnly =
        DeadLetterReader.read(
            NO_PROPERTIES, utf8("{\"eventId\":\"e-9\",\"payload\":{\"orderId\":\"o-2\"}}"));
    DeadLetter legacy =
        DeadLetterReader.read(
            NO_PROPERTIES, utf8("{\"type\":\"OrderCreated\",\"data\":{\"order_id\":\"o-3\"}}"));

    assertEquals("o-1", reserved.orderId());
    assertTrue(DlqLines.summary(reserved).contains("order=o-1"), DlqLines.summary(reserved));
    assertEquals("o-1", reserved.toMap(false).get("orderId"));
    assertEquals("o-2", payloadOnly.orderId());
    assertEquals("o-3", legacy.orderId());
    assertNull(DeadLetterReader.read(NO_PROPERTIES, utf8("not json")).orderId());
  }

  @Test
  void anUndecodableBodyGetsAStableDigestIdOfItsOwn() {
    DeadLetter first = DeadLetterReader.read(NO_PROPERTIES, utf8("not json"));
    DeadLetter again = DeadLetterReader.read(NO_PROPERTIES, utf8("not json"));
    DeadLetter other = DeadLetterReader.read(NO_PROPERTIES, utf8("not json either"));
    DeadLetter hugeId =
        DeadLetterReader.read(NO_PROPERTIES, utf8("{\"eventId\":\"" + "x".repeat(500) + "\"}"));

    assertTrue(first.eventId().matches("sha256-[0-9a-f]{32}"), first.eventId());
    assertEquals(first.eventId(), again.eventId());
    assertNotEquals(first.eventId(), other.eventId());
    assertTrue(hugeId.eventId().startsWith("sha256-"), "an unusable eventId is not a key");
    assertTrue(DeadLetterFilter.eventId(first.eventId()).matches(first));
  }

  @Test
  void aForgedMessageIdDoesNotHideTheBodysEventIdAndBothAreShown() {
    AMQP.BasicProperties forged =
        new AMQP.BasicProperties.Builder()
            .messageId("e-1")
            .type("OrderShipped")
            .headers(Map.of(DeadLetterHeaders.REASON, "invalid-event"))
            .build();

    DeadLetter letter =
        DeadLetterReader.read(forged, utf8("{\"eventId\":\"e-2\",\"eventType\":\"OrderCreated\"}"));

    assertEquals("e-2", letter.eventId());
    assertEquals("e-1", letter.messageId());
    assertEquals("OrderCreated", letter.eventType());
    assertEquals("OrderShipped", letter.typeProperty());
    assertTrue(letter.messageIdDisagrees());
    String line = DlqLines.summary(letter);
    assertTrue(line.startsWith("e-2 "), line);
    assertTrue(line.contains("message_id=e-1"), line);
    assertTrue(line.contains("type_property=OrderShipped"), line);
    assertFalse(DeadLetterFilter.eventId("e-1").matches(letter));
    assertEquals("e-1", letter.toMap(false).get("messageId"));
  }

  @Test
  void aBinaryBodyIsBase64AndAListedBodyIsCut() {
    byte[] binary = {(byte) 0xff, 0x00, 0x1b, '[', '3', '1', 'm', (byte) 0xc3};
    BodyText whole = BodyText.of(binary, BodyText.WHOLE);
    BodyText longText = BodyText.of(utf8("é".repeat(10_000)), 100);

    assertEquals("base64", whole.encoding());
    assertEquals(Base64.getEncoder().encodeToString(binary), whole.text());
    assertFalse(whole.truncated());
    assertEquals("utf-8", longText.encoding());
    assertEquals(100, longText.text().length());
    assertEquals(20_000, longText.bytes());
    assertTrue(longText.truncated());
    assertTrue(BodyText.of(new byte[3000], 100).text().length() <= 100);
  }

  @Test
  void controlCharactersFromAMessageNeverReachTheTerminal() {
    String hostile = "ok\u001b[2J\r\nforged line\u0000\u202e";

    String escaped = TerminalText.escape(hostile);

    assertEquals("ok\\u001b[2J\\u000d\\u000aforged line\\u0000\\u202e", escaped);
    assertEquals("plain text", TerminalText.escape("plain text"));
    DeadLetter letter =
        DeadLetterReader.read(
            new AMQP.BasicProperties.Builder()
                .headers(Map.of(DeadLetterHeaders.REASON, "bad\u001b[31m"))
                .build(),
            utf8("x"));
    assertFalse(DlqLines.summary(letter).contains("\u001b"), DlqLines.summary(letter));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
