package orderflow.orderservice;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import orderflow.orderservice.GroupCommit.Write;
import orderflow.orderservice.GroupCommit.Written;
import orderflow.store.Sql;

/**
 * An {@code Idempotency-Key} is recorded with its request's digest and order in the transaction of
 * the write it guards: the same request again answers from that order, another is refused. Keys are
 * kept for good. Thread-safe; each call uses only the caller's connection.
 */
record IdempotencyKeys(Clock clock) {
  static final class KeyReusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KeyReusedException() {
      super("Idempotency-Key: already used for a different request");
    }
  }

  /** Another transaction recorded the same key first: trying again finds it. */
  private static final class KeyRaced extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KeyRaced() {
      super("Idempotency-Key recorded concurrently", null, false, false);
    }
  }

  interface Replay<T> {
    Written<T> apply(Connection transaction, String orderId) throws SQLException;
  }

  interface Attempt<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code write}, or {@code replay} when {@code key} (if any) already answered this request;
   * the key is recorded only with a write that added events.
   *
   * @throws KeyReusedException when the key answered a different request
   */
  <T> Written<T> once(
      Connection transaction,
      String key,
      String fingerprint,
      String orderId,
      Write<T> write,
      Replay<T> replay)
      throws SQLException {
    if (key == null) {
      return write.apply(transaction);
    }
    Optional<String> answered =
        Sql.first(
            transaction,
            "SELECT order_id, request_sha256 FROM idempotency_keys WHERE idempotency_key = ?",
            row -> {
              if (!row.getString(2).equals(fingerprint)) {
                throw new KeyReusedException();
              }
              return row.getString(1);
            },
            key);
    if (answered.isPresent()) {
      return replay.apply(transaction, answered.get());
    }
    Written<T> written = write.apply(transaction);
    // Another transaction recorded the key first when nothing is inserted.
    if (!written.emitted().isEmpty()
        && Sql.update(
                transaction,
                "INSERT INTO idempotency_keys (idempotency_key, request_sha256, order_id,"
                    + " created_at) VALUES (?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
                key,
                fingerprint,
                orderId,
                clock.millis())
            == 0) {
      throw new KeyRaced();
    }
    return written;
  }

  /** True when another transaction recorded the key first. */
  static boolean raced(Throwable failure) {
    return failure instanceof KeyRaced || failure != null && failure.getCause() instanceof KeyRaced;
  }

  /** Runs {@code attempt}, and once more when another transaction recorded its key first. */
  static <T> T settlingRaces(Attempt<T> attempt) throws SQLException {
    try {
      return attempt.run();
    } catch (KeyRaced e) {
      return attempt.run();
    }
  }

  static String fingerprint(String request) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(request.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }
}
