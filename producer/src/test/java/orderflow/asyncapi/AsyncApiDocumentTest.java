package orderflow.asyncapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import orderflow.contract.EventSchemas;
import orderflow.envelope.EventType;
import orderflow.topology.ExchangeSpec;
import orderflow.topology.QueueSpec;
import orderflow.topology.Topology;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/asyncapi.yaml is exactly what the topology generates, and the document's structure, read
 * back from its YAML as any tool would: every exchange and queue of the topology with its AMQP
 * binding and arguments, every reference resolving inside the document, every message with a sender
 * and a receiver. (bin/validate-asyncapi runs the ecosystem's parser on top of this, where node is
 * installed.)
 *
 * <p>With {@code -Dasyncapi.write=true} the test writes the file instead of comparing it.
 */
class AsyncApiDocumentTest {
  /** The document's own version: the contract's, not the build's, so the file is stable. */
  static final String DOCUMENT_VERSION = "2.0.0";

  private static final Topology TOPOLOGY = new Topology("");
  private static JsonNode document;

  @Test
  void theCheckedInDocumentIsExactlyWhatTheTopologyGenerates() throws IOException {
    Path file = repositoryRoot().resolve("docs/asyncapi.yaml");
    String generated = AsyncApiDocument.of(TOPOLOGY, DOCUMENT_VERSION).toYaml();
    if (Boolean.getBoolean("asyncapi.write")) {
      Files.writeString(file, generated);
    }
    assertEquals(
        Files.readString(file),
        generated,
        "docs/asyncapi.yaml differs from the topology; regenerate it with ./mvnw -q -pl producer"
            + " test -Dtest=AsyncApiDocumentTest -Dasyncapi.write=true");
  }

  @Test
  void aNamespacePrefixesEveryExchangeAndQueueInTheDocument() {
    String yaml = AsyncApiDocument.of(new Topology("tenant-a"), DOCUMENT_VERSION).toYaml();

    assertTrue(yaml.contains("name: tenant-a.orders\n"), yaml);
    assertTrue(yaml.contains("address: tenant-a.inventory.dlq\n"), yaml);
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/asyncapi.yaml"))
          && Files.isRegularFile(dir.resolve("mvnw"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "docs/asyncapi.yaml not found above " + Path.of("").toAbsolutePath());
  }

  @BeforeAll
  static void readGeneratedYaml() throws IOException {
    String yaml = AsyncApiDocument.of(TOPOLOGY, "test").toYaml();
    document = new ObjectMapper(new YAMLFactory()).readTree(yaml);
  }

  @Test
  void isAnAsyncApi3DocumentWithAnAmqpServer() {
    assertEquals("3.0.0", document.path("asyncapi").asText());
    assertEquals("amqp", document.at("/servers/broker/protocol").asText());
    assertEquals("0.9.1", document.at("/servers/broker/protocolVersion").asText());
  }

  @Test
  void everyExchangeOfTheTopologyIsAChannelBindingWithItsType() {
    for (ExchangeSpec exchange : TOPOLOGY.exchanges()) {
      List<JsonNode> bindings = amqpBindings("routingKey", "exchange", exchange.name());
      assertFalse(bindings.isEmpty(), "no channel for exchange " + exchange.name());
      for (JsonNode binding : bindings) {
        assertEquals(exchange.type(), binding.at("/exchange/type").asText(), exchange.name());
        assertTrue(binding.at("/exchange/durable").asBoolean(), exchange.name());
      }
    }
    List<String> failureExchanges =
        TOPOLOGY.workQueues().stream().map(TOPOLOGY::failureExchange).toList();
    assertEquals(
        List.of("inventory.failures", "shipping.failures", "orders-view.failures"),
        failureExchanges);
  }

  @Test
  void everyQueueOfTheTopologyIsAChannelWithItsDurabilityAndArguments() {
    ObjectMapper json = new ObjectMapper();
    for (QueueSpec queue : TOPOLOGY.queues()) {
      JsonNode channel = document.path("channels").path(AmqpChannels.queueChannelId(queue.name()));
      assertEquals(queue.name(), channel.at("/bindings/amqp/queue/name").asText(), queue.name());
      assertEquals("queue", channel.at("/bindings/amqp/is").asText());
      assertEquals(queue.durable(), channel.at("/bindings/amqp/queue/durable").asBoolean());
      Map<String, Object> expected = new TreeMap<>(queue.arguments());
      JsonNode arguments = channel.path("x-amqp-arguments");
      // As text: the YAML reader gives a small long (a TTL) back as an int.
      assertEquals(
          json.valueToTree(expected).toString(),
          arguments.isMissingNode() ? "{}" : arguments.toString(),
          queue.name());
    }
    assertTrue(document.path("channels").has("queue.order_events"));
    assertTrue(document.path("channels").has("queue.orders-view.retry.30s"));
  }

  @Test
  void everyReferenceResolvesInsideTheDocument() {
    List<String> refs = new ArrayList<>();
    collectReferences(document, refs);
    assertTrue(refs.size() > 100, "refs: " + refs.size());
    for (String ref : refs) {
      assertTrue(ref.startsWith("#/"), "external reference " + ref);
      assertFalse(document.at(ref.substring(1)).isMissingNode(), "unresolved " + ref);
    }
  }

  @Test
  void everyMessagePayloadIsTheEventSchemaOfItsTypeAndVersion() {
    for (EventType type : EventType.values()) {
      String name = EventSchemas.of(type).title();
      String ref = document.at("/components/messages/" + name + "/payload/$ref").asText();
      assertEquals("#/components/schemas/" + name, ref);
      assertEquals(
          type.wireName(),
          document.at("/components/schemas/" + name + "/properties/eventType/const").asText());
    }
    assertEquals(
        "#/components/schemas/OrderCreatedV1",
        document.at("/components/messages/OrderCreatedV1/payload/$ref").asText());
  }

  @Test
  void everyMessageHasASenderAndAReceiver() {
    List<String> messages = new ArrayList<>(List.of("OrderCreatedV1"));
    for (EventType type : EventType.values()) {
      messages.add(type.wireName() + "V" + type.version());
    }
    for (String message : messages) {
      for (String action : List.of("send", "receive")) {
        boolean found = false;
        for (JsonNode operation : document.path("operations")) {
          if (operation.path("action").asText().equals(action)) {
            for (JsonNode ref : operation.path("messages")) {
              found |= ref.path("$ref").asText().endsWith("/messages/" + message);
            }
          }
        }
        assertTrue(found, "nobody does " + action + " for " + message);
      }
    }
  }

  private static List<JsonNode> amqpBindings(String is, String kind, String name) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode channel : document.path("channels")) {
      JsonNode amqp = channel.at("/bindings/amqp");
      if (amqp.path("is").asText().equals(is)
          && amqp.path(kind).path("name").asText().equals(name)) {
        found.add(amqp);
      }
    }
    return found;
  }

  private static void collectReferences(JsonNode node, List<String> refs) {
    if (node.isObject() && node.has("$ref")) {
      refs.add(node.get("$ref").asText());
    }
    node.forEach(child -> collectReferences(child, refs));
  }
}
