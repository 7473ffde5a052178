package orderflow.shipping;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import orderflow.envelope.EventCodec;

/** The JSON shape of shipments as {@code shipments --json} prints them. */
final class ShipmentJson {
  private ShipmentJson() {}

  static ArrayNode array(List<Shipment> shipments) {
    ArrayNode array = EventCodec.mapper().createArrayNode();
    shipments.forEach(shipment -> array.add(object(shipment)));
    return array;
  }

  static ObjectNode object(Shipment shipment) {
    ObjectNode node = EventCodec.mapper().createObjectNode();
    node.put("shipmentId", shipment.shipmentId());
    node.put("orderId", shipment.orderId());
    node.put("reservationId", shipment.reservationId());
    node.put("carrier", shipment.carrier());
    node.put("trackingNumber", shipment.trackingNumber());
    node.put("status", shipment.status().name());
    node.put("createdAt", shipment.createdAt().toString());
    node.put("updatedAt", shipment.updatedAt().toString());
    ArrayNode items = node.putArray("items");
    for (Shipment.Item item : shipment.items()) {
      items.addObject().put("productId", item.productId()).put("quantity", item.quantity());
    }
    return node;
  }
}
