package orderflow.stream;

import com.rabbitmq.client.Delivery;

/** One message of the stream and its offset (the {@code x-stream-offset} header). */
public record StreamRecord(long offset, Delivery delivery) {}
