package orderflow.producer;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import orderflow.consume.options.DatabaseOptions;
import orderflow.envelope.EventEnvelope;
import orderflow.envelope.EventLimits;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.ShippingAddress;
import orderflow.orderservice.OrderService;
import orderflow.privacy.AddressCipher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code producer order}: publishes one OrderCreated, its address's personal fields encrypted. */
@Command(
    name = "order",
    description = {
      "Publishes one OrderCreated event and waits for the broker's confirm.",
      "Prints the orderId. Exits 1 if the broker nacks it, no queue takes it (returned),"
          + " or no confirm arrives within --timeout."
    })
final class OrderCommand extends OneEventCommand {
  static final String SOURCE = "producer";

  @Option(names = "--customer", required = true, paramLabel = "C", description = "Customer id")
  String customer;

  @Option(
      names = "--item",
      required = true,
      arity = "1..*",
      paramLabel = "PRODUCT:QTY[:PRICE]",
      converter = ItemSpec.class,
      description =
          "An order line, repeatable (at most "
              + EventLimits.MAX_ITEMS
              + "); price is a decimal unit price, e.g. sku-42:2:19.99")
  List<OrderItem> items;

  @Option(
      names = "--ship-to",
      paramLabel = "COUNTRY",
      description =
          "Destination country, ISO 3166-1 alpha-2 (e.g. NL); shipping refuses one no carrier"
              + " serves (AQ). Default: no address")
  String shipTo;

  @Option(names = "--street", description = "Street line of the address (with --ship-to)")
  String street;

  @Option(names = "--city", description = "City of the address (with --ship-to)")
  String city;

  @Option(names = "--postal-code", description = "Postal code of the address (with --ship-to)")
  String postalCode;

  @Mixin DatabaseOptions database;

  @Override
  int execute() throws Exception {
    if (customer.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--customer must not be blank");
    }
    if (shipTo == null && (street != null || city != null || postalCode != null)) {
      throw new ParameterException(spec.commandLine(), "an address needs --ship-to COUNTRY");
    }
    String orderId = UUID.randomUUID().toString();
    ShippingAddress address =
        shipTo == null
            ? null
            : asUsageError(
                "invalid address", () -> new ShippingAddress(street, city, postalCode, shipTo));
    asUsageError("invalid order", () -> OrderCreated.of(orderId, customer.strip(), items));
    OrderCreated order =
        OrderCreated.of(orderId, customer.strip(), items, sealed(orderId, address));
    EventEnvelope event = EventEnvelope.first(order, SOURCE);
    record Published(String orderId, String eventId, String correlationId) {}
    return publish(
        "order",
        event,
        "order " + orderId,
        orderId,
        new Published(orderId, event.eventId().toString(), event.metadata().correlationId()));
  }

  /** Encrypted under the customer's key in the order service's database, opened only if needed. */
  private ShippingAddress sealed(String orderId, ShippingAddress address) {
    if (address == null || address.hasNoPersonalData()) {
      return address;
    }
    try {
      return ProducerCommand.inOrderDatabase(
          database.url(OrderService.NAME),
          c -> AddressCipher.fromEnvironment().seal(c, orderId, customer.strip(), address));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot encrypt the address: " + e.getMessage(), e);
    }
  }
}
