package orderflow.consume;

/**
 * Headers the runtime writes on retried and dead letters (docs/architecture.md section 6). The
 * retry count lives here, never in {@code x-death}.
 */
public final class DeadLetterHeaders {
  /**
   * Short category: {@code invalid-event}, {@code permanent-failure}, {@code retries-exhausted},
   * {@code event-id-conflict}.
   */
  public static final String REASON = "x-failure-reason";

  public static final String EXCEPTION_CLASS = "x-exception-class";

  /** Cut to {@link #MAX_MESSAGE_CHARS} so no header can break frame_max. */
  public static final String EXCEPTION_MESSAGE = "x-exception-message";

  /** Deliveries that failed so far (1 after the first failure). */
  public static final String ATTEMPTS = "x-attempts";

  public static final String FIRST_FAILURE_AT = "x-first-failure-at";
  public static final String LAST_FAILURE_AT = "x-last-failure-at";
  public static final String ORIGINAL_EXCHANGE = "x-original-exchange";
  public static final String ORIGINAL_ROUTING_KEY = "x-original-routing-key";
  public static final String CONSUMER = "x-consumer";

  /** Set by {@code dlq replay}: when, and how many times this event was replayed. */
  public static final String REPLAYED_AT = "x-replayed-at";

  public static final String REPLAY_COUNT = "x-replay-count";

  public static final String REASON_INVALID_EVENT = "invalid-event";
  public static final String REASON_PERMANENT_FAILURE = "permanent-failure";
  public static final String REASON_RETRIES_EXHAUSTED = "retries-exhausted";

  /** An event id already applied with another payload (a digest mismatch in the inbox). */
  public static final String REASON_EVENT_ID_CONFLICT = "event-id-conflict";

  /** A body over the size limit, dead-lettered by the broker without being read. */
  public static final String REASON_TOO_LARGE = "message-too-large";

  public static final int MAX_MESSAGE_CHARS = 1000;

  private DeadLetterHeaders() {}
}
