package orderflow.privacy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;
import orderflow.store.Sql;

/**
 * One data key per customer, stored only wrapped by a master key and bound to its customer and key
 * id. Erasure leaves a tombstone; a later order gets a new key under a new id, which never opens
 * the erased one's values. Works in the caller's transaction.
 */
public record CustomerKeys(MasterKeys master) {
  record DataKey(String id, SecretKeySpec key) {}

  /** {@code first}: this call erased (a key, or a customer never seen). */
  public record Erasure(Instant erasedAt, boolean first) {}

  /** The customer's data key, made and stored wrapped when they have none. */
  DataKey forWriting(Connection connection, String customerId) throws SQLException {
    Optional<DataKey> held = current(connection, customerId);
    if (held.isPresent()) {
      return held.get();
    }
    String keyId = Base64.getUrlEncoder().withoutPadding().encodeToString(MasterKeys.random(12));
    SecretKeySpec key = new SecretKeySpec(MasterKeys.random(MasterKeys.KEY_BYTES), "AES");
    Sql.update(
        connection,
        "INSERT INTO customer_keys (customer_id, key_id, master_key_id, wrapped_key, created_at)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (customer_id) DO UPDATE SET"
            + " key_id = excluded.key_id, master_key_id = excluded.master_key_id,"
            + " wrapped_key = excluded.wrapped_key, created_at = excluded.created_at,"
            + " erased_at = NULL WHERE customer_keys.wrapped_key IS NULL",
        customerId,
        keyId,
        master.currentId(),
        master.wrap(key.getEncoded(), binding(customerId, keyId)),
        System.currentTimeMillis());
    // Another writer may have stored its key first: every order of the customer uses that one.
    return current(connection, customerId)
        .orElseThrow(() -> new SQLException("the data key of a customer was erased meanwhile"));
  }

  /** The customer's data key; empty when they have none (erased, or never had one). */
  Optional<DataKey> current(Connection connection, String customerId) throws SQLException {
    return Sql.first(
        connection,
        "SELECT key_id, master_key_id, wrapped_key FROM customer_keys"
            + " WHERE customer_id = ? AND wrapped_key IS NOT NULL",
        row -> {
          String keyId = row.getString(1);
          byte[] key =
              master.unwrap(row.getString(2), row.getString(3), binding(customerId, keyId));
          return new DataKey(keyId, new SecretKeySpec(key, "AES"));
        },
        customerId);
  }

  /** Destroys the data key; an unknown customer gets a tombstone too. Needs no master key. */
  public static Erasure erase(Connection connection, String customerId, Instant now)
      throws SQLException {
    int changed =
        Sql.update(
            connection,
            "INSERT INTO customer_keys (customer_id, created_at, erased_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (customer_id) DO UPDATE SET master_key_id = NULL,"
                + " wrapped_key = NULL, erased_at = excluded.erased_at"
                + " WHERE customer_keys.wrapped_key IS NOT NULL",
            customerId,
            now.toEpochMilli(),
            now.toEpochMilli());
    Instant erasedAt =
        Sql.first(
                connection,
                "SELECT erased_at FROM customer_keys WHERE customer_id = ?",
                row -> Instant.ofEpochMilli(row.getLong(1)),
                customerId)
            .orElseThrow();
    return new Erasure(erasedAt, changed > 0);
  }

  /** Wraps every data key not wrapped by the current master key again with it; how many. */
  public int rewrap(Connection connection) throws SQLException {
    List<String> stale =
        Sql.query(
            connection,
            "SELECT customer_id FROM customer_keys"
                + " WHERE wrapped_key IS NOT NULL AND master_key_id <> ?",
            row -> row.getString(1),
            master.currentId());
    for (String customerId : stale) {
      DataKey held = current(connection, customerId).orElseThrow();
      Sql.update(
          connection,
          "UPDATE customer_keys SET master_key_id = ?, wrapped_key = ?"
              + " WHERE customer_id = ? AND key_id = ?",
          master.currentId(),
          master.wrap(held.key().getEncoded(), binding(customerId, held.id())),
          customerId,
          held.id());
    }
    return stale.size();
  }

  private static String binding(String customerId, String keyId) {
    return "customer-key\n" + customerId + "\n" + keyId;
  }
}
