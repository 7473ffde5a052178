package orderflow.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import orderflow.envelope.EventCodec;
import orderflow.orderservice.SagaEvents;
import orderflow.testing.BrokerAccounts;
import orderflow.testing.RabbitMqExtension;
import orderflow.testing.TestBroker;
import orderflow.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reader account of {@code bin/accounts} reads the events stream and nothing else: it can print
 * the history, and the broker refuses it a service's queue and any declaration.
 */
@ExtendWith(RabbitMqExtension.class)
class StreamReaderAccountIT {
  @Test
  void theReaderReadsTheStreamAndIsRefusedEverythingElse(TestBroker broker) throws Exception {
    Topology topology = broker.topology();
    CommandRun.Result declared =
        CommandRun.run(
            "topology", "declare", "--uri", broker.uriString(), "--namespace", broker.namespace());
    assertEquals(0, declared.exitCode(), declared.toString());
    SagaEvents saga = new SagaEvents("reader");
    EventsCommandIT.publish(broker, topology, saga.created, saga.reserved);

    try (BrokerAccounts accounts = BrokerAccounts.create(broker)) {
      String reader = accounts.uri(BrokerAccounts.READER).toString();
      CommandRun.Result events =
          CommandRun.run(
              "events",
              "--no-declare",
              "--json",
              "--uri",
              reader,
              "--namespace",
              broker.namespace());
      assertEquals(0, events.exitCode(), events.toString());
      List<String> lines = events.out().lines().toList();
      assertEquals(2, lines.size(), events.toString());
      JsonNode second = EventCodec.mapper().readTree(lines.get(1));
      assertEquals(saga.reserved.eventId().toString(), second.get("eventId").asText());

      CommandRun.Result declare =
          CommandRun.run("events", "--uri", reader, "--namespace", broker.namespace());
      assertEquals(1, declare.exitCode(), declare.toString());
      assertTrue(declare.err().contains("ACCESS_REFUSED"), declare.toString());

      CommandRun.Result otherQueue =
          CommandRun.run(
              "watch", "--no-declare", "--uri", reader, "--namespace", broker.namespace());
      assertEquals(1, otherQueue.exitCode(), otherQueue.toString());
      assertTrue(otherQueue.err().contains("ACCESS_REFUSED"), otherQueue.toString());
    }
  }
}
