package orderflow.privacy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;

/**
 * One data key per customer, stored only wrapped by a master key and bound to its customer and key
 * id. Erasure leaves a tombstone; a later order gets a new key under a new id, which never opens
 * the erased one's values. Works in the caller's transaction.
 */
public final class CustomerKeys {
  record DataKey(String id, SecretKeySpec key) {}

  /** {@code first}: this call erased (a key, or a customer never seen). */
  public record Erasure(Instant erasedAt, boolean first) {}

  private final MasterKeys master;

  public CustomerKeys(MasterKeys master) {
    this.master = Objects.requireNonNull(master, "master");
  }

  /** The customer's data key, made and stored wrapped when they have none. */
  DataKey forWriting(Connection connection, String customerId) throws SQLException {
    Optional<DataKey> held = current(connection, customerId);
    if (held.isPresent()) {
      return held.get();
    }
    String keyId = Base64.getUrlEncoder().withoutPadding().encodeToString(MasterKeys.random(12));
    SecretKeySpec key = MasterKeys.newDataKey();
    try (PreparedStatement upsert =
        connection.prepareStatement(
            "INSERT INTO customer_keys (customer_id, key_id, master_key_id, wrapped_key,"
                + " created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (customer_id) DO UPDATE SET"
                + " key_id = excluded.key_id, master_key_id = excluded.master_key_id,"
                + " wrapped_key = excluded.wrapped_key, created_at = excluded.created_at,"
                + " erased_at = NULL WHERE customer_keys.wrapped_key IS NULL")) {
      upsert.setString(1, customerId);
      upsert.setString(2, keyId);
      upsert.setString(3, master.currentId());
      upsert.setString(4, master.wrap(key.getEncoded(), binding(customerId, keyId)));
      upsert.setLong(5, System.currentTimeMillis());
      upsert.executeUpdate();
    }
    // Another writer may have stored its key first: every order of the customer uses that one.
    return current(connection, customerId)
        .orElseThrow(() -> new SQLException("the data key of a customer was erased meanwhile"));
  }

  /** The customer's data key; empty when they have none (erased, or never had one). */
  Optional<DataKey> current(Connection connection, String customerId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT key_id, master_key_id, wrapped_key FROM customer_keys"
                + " WHERE customer_id = ? AND wrapped_key IS NOT NULL")) {
      select.setString(1, customerId);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        String keyId = row.getString(1);
        byte[] key = master.unwrap(row.getString(2), row.getString(3), binding(customerId, keyId));
        return Optional.of(new DataKey(keyId, new SecretKeySpec(key, "AES")));
      }
    }
  }

  /** Destroys the data key; an unknown customer gets a tombstone too. Needs no master key. */
  public static Erasure erase(Connection connection, String customerId, Instant now)
      throws SQLException {
    int changed;
    try (PreparedStatement erase =
        connection.prepareStatement(
            "INSERT INTO customer_keys (customer_id, created_at, erased_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (customer_id) DO UPDATE SET master_key_id = NULL,"
                + " wrapped_key = NULL, erased_at = excluded.erased_at"
                + " WHERE customer_keys.wrapped_key IS NOT NULL")) {
      erase.setString(1, customerId);
      erase.setLong(2, now.toEpochMilli());
      erase.setLong(3, now.toEpochMilli());
      changed = erase.executeUpdate();
    }
    try (PreparedStatement select =
        connection.prepareStatement("SELECT erased_at FROM customer_keys WHERE customer_id = ?")) {
      select.setString(1, customerId);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return new Erasure(Instant.ofEpochMilli(row.getLong(1)), changed > 0);
      }
    }
  }

  /** Wraps every data key not wrapped by the current master key again with it; how many. */
  public int rewrap(Connection connection) throws SQLException {
    List<String> stale = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT customer_id FROM customer_keys"
                + " WHERE wrapped_key IS NOT NULL AND master_key_id <> ?")) {
      select.setString(1, master.currentId());
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          stale.add(rows.getString(1));
        }
      }
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE customer_keys SET master_key_id = ?, wrapped_key = ?"
                + " WHERE customer_id = ? AND key_id = ?")) {
      for (String customerId : stale) {
        DataKey held = current(connection, customerId).orElseThrow();
        update.setString(1, master.currentId());
        update.setString(2, master.wrap(held.key().getEncoded(), binding(customerId, held.id())));
        update.setString(3, customerId);
        update.setString(4, held.id());
        update.executeUpdate();
      }
    }
    return stale.size();
  }

  private static String binding(String customerId, String keyId) {
    return "customer-key\n" + customerId + "\n" + keyId;
  }
}
