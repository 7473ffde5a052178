package orderflow.stream;

import com.rabbitmq.client.Delivery;
import java.io.IOException;
import java.util.Map;

/** The offset a stream delivery carries in its {@code x-stream-offset} header. */
final class StreamOffsets {
  static final String HEADER = "x-stream-offset";

  private StreamOffsets() {}

  static long of(Delivery delivery) throws IOException {
    Map<String, Object> headers = delivery.getProperties().getHeaders();
    Object offset = headers == null ? null : headers.get(HEADER);
    if (offset instanceof Number number) {
      return number.longValue();
    }
    throw new IOException("a stream delivery without an x-stream-offset header (not a stream?)");
  }
}
