package orderflow.shipping;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;
import java.util.List;

/** One shipment as stored and as {@code shipments --json} prints it; always {@link #SHIPPED}. */
record Shipment(
    String shipmentId,
    String orderId,
    String reservationId,
    String carrier,
    String trackingNumber,
    String status,
    @JsonSerialize(using = ToStringSerializer.class) Instant createdAt,
    @JsonSerialize(using = ToStringSerializer.class) Instant updatedAt,
    List<Item> items) {
  static final String SHIPPED = "SHIPPED";

  record Item(String productId, int quantity) {}
}
