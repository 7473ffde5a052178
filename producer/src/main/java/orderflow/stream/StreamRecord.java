package orderflow.stream;

import com.rabbitmq.client.Delivery;
import java.io.IOException;
import java.util.Map;

/** One message of the stream and its offset (the {@code x-stream-offset} header). */
public record StreamRecord(long offset, Delivery delivery) {
  static final String OFFSET_HEADER = "x-stream-offset";

  static StreamRecord of(Delivery delivery) throws IOException {
    Map<String, Object> headers = delivery.getProperties().getHeaders();
    if (headers != null && headers.get(OFFSET_HEADER) instanceof Number offset) {
      return new StreamRecord(offset.longValue(), delivery);
    }
    throw new IOException("a stream delivery without an x-stream-offset header (not a stream?)");
  }
}
