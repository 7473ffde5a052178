package orderflow.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Replies as RabbitMQ 3.10 sends them. */
class InequivalenceTest {
  @Test
  void argumentTheBrokerLacksIsParsedAsNone() {
    TopologyVerifier.Inequivalence found =
        TopologyVerifier.Inequivalence.parse(
                "PRECONDITION_FAILED - inequivalent arg 'x-overflow' for queue 'ns.shipping' in"
                    + " vhost '/': received the value 'reject-publish' of type 'longstr' but"
                    + " current is none")
            .orElseThrow();

    assertEquals("x-overflow", found.argument());
    assertEquals("reject-publish", found.received().display());
    assertEquals("none", found.current().display());
    Map<String, Object> declared = new HashMap<>(Map.of("x-overflow", "reject-publish"));
    assertTrue(found.current().adoptInto(declared, "x-overflow"));
    assertFalse(declared.containsKey("x-overflow"));
  }

  @Test
  void typedValueOfTheBrokerIsAdoptedWithItsType() {
    TopologyVerifier.Inequivalence found =
        TopologyVerifier.Inequivalence.parse(
                "PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue 'q' in vhost"
                    + " '/': received none but current is the value '1000' of type 'long'")
            .orElseThrow();
    Map<String, Object> declared = new HashMap<>();

    assertTrue(found.current().adoptInto(declared, "x-message-ttl"));
    assertEquals(1000L, declared.get("x-message-ttl"));
  }

  @Test
  void flagsAndExchangeTypesAreParsed() {
    TopologyVerifier.Inequivalence durable =
        TopologyVerifier.Inequivalence.parse(
                "inequivalent arg 'durable' for queue 'q' in vhost '/': received 'false' but"
                    + " current is 'true'")
            .orElseThrow();
    Map<String, Object> declared = new HashMap<>(Map.of("durable", false));
    assertTrue(durable.current().adoptInto(declared, "durable"));
    assertEquals(Boolean.TRUE, declared.get("durable"));

    TopologyVerifier.Inequivalence type =
        TopologyVerifier.Inequivalence.parse(
                "inequivalent arg 'type' for exchange 'x' in vhost 'v': received 'topic' but"
                    + " current is 'direct'")
            .orElseThrow();
    assertEquals("topic", type.received().display());
    assertEquals("direct", type.current().display());
  }

  @Test
  void otherRepliesAreNotInequivalences() {
    assertTrue(
        TopologyVerifier.Inequivalence.parse("NOT_FOUND - no queue 'q' in vhost '/'").isEmpty());
    assertTrue(TopologyVerifier.Inequivalence.parse(null).isEmpty());
  }

  @Test
  void differenceDescribesItselfInOneLine() {
    Difference difference =
        new Difference(
            "queue", "ns.shipping", Difference.Kind.MISMATCH, "x-queue-type", "quorum", "none");

    assertEquals(
        "queue 'ns.shipping': x-queue-type is none, expected quorum", difference.describe());
    assertEquals(
        "exchange 'x' is missing",
        new Difference("exchange", "x", Difference.Kind.MISSING, null, null, null).describe());
  }
}
