package orderflow.trace;

import io.opentelemetry.api.common.AttributeKey;

/** The messaging semantic-convention attributes our spans set (the semconv artifact is alpha). */
public final class MessagingAttributes {
  public static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  public static final String RABBITMQ = "rabbitmq";
  public static final AttributeKey<String> OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  public static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");
  public static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  public static final AttributeKey<String> ROUTING_KEY =
      AttributeKey.stringKey("messaging.rabbitmq.destination.routing_key");
  public static final AttributeKey<String> MESSAGE_ID =
      AttributeKey.stringKey("messaging.message.id");
  public static final AttributeKey<String> CONVERSATION_ID =
      AttributeKey.stringKey("messaging.message.conversation_id");
  public static final AttributeKey<Long> DELIVERY_TAG =
      AttributeKey.longKey("messaging.rabbitmq.message.delivery_tag");
  public static final AttributeKey<Long> BATCH_COUNT =
      AttributeKey.longKey("messaging.batch.message_count");
  public static final AttributeKey<String> EVENT_TYPE =
      AttributeKey.stringKey("orderflow.event.type");
  public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("orderflow.attempt");
  public static final AttributeKey<String> RETRY_TIER =
      AttributeKey.stringKey("orderflow.retry.tier");
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("orderflow.outcome");
  public static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system.name");
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private MessagingAttributes() {}
}
