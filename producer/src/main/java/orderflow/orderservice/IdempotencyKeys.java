package orderflow.orderservice;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;
import orderflow.orderservice.GroupCommit.Write;
import orderflow.orderservice.GroupCommit.Written;

/**
 * An {@code Idempotency-Key} is recorded with its request's digest and order in the transaction of
 * the write it guards: the same request again answers from that order, another is refused. Keys are
 * kept for good. Thread-safe; each call uses only the caller's connection.
 */
final class IdempotencyKeys {
  private final Clock clock;

  IdempotencyKeys(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

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
    try (PreparedStatement select =
        transaction.prepareStatement(
            "SELECT order_id, request_sha256 FROM idempotency_keys WHERE idempotency_key = ?")) {
      select.setString(1, key);
      try (ResultSet rows = select.executeQuery()) {
        if (rows.next()) {
          if (!rows.getString(2).equals(fingerprint)) {
            throw new KeyReusedException();
          }
          return replay.apply(transaction, rows.getString(1));
        }
      }
    }
    Written<T> written = write.apply(transaction);
    if (!written.emitted().isEmpty() && !record(transaction, key, fingerprint, orderId)) {
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

  /** The SHA-256 of {@code request} in hex. */
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

  /** False when another transaction recorded the key first. */
  private boolean record(Connection transaction, String key, String fingerprint, String id)
      throws SQLException {
    try (PreparedStatement insert =
        transaction.prepareStatement(
            "INSERT INTO idempotency_keys (idempotency_key, request_sha256, order_id, created_at)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING")) {
      insert.setString(1, key);
      insert.setString(2, fingerprint);
      insert.setString(3, id);
      insert.setLong(4, clock.millis());
      return insert.executeUpdate() == 1;
    }
  }
}
