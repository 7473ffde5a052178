package orderflow.privacy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master keys that wrap the customers' data keys, by id: the last is current, older ones still
 * unwrap until {@code producer keys rotate}. Without a configured key, a development key with a
 * WARN, unless {@value #REQUIRE_ENV}{@code =true}. Also the one place of AES-GCM, with a fresh
 * random nonce per value. Thread-safe.
 */
public final class MasterKeys {
  public static final String KEYS_ENV = "ORDERS_MASTER_KEY";
  public static final String FILE_ENV = "ORDERS_MASTER_KEY_FILE";
  public static final String REQUIRE_ENV = "ORDERS_REQUIRE_MASTER_KEY";

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  static final int KEY_BYTES = 32;
  // 43 base64 characters and their padding: exactly 32 bytes.
  private static final Pattern ENTRY =
      Pattern.compile("([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/]{43}=?)");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Logger LOG = LoggerFactory.getLogger(MasterKeys.class);

  private final Map<String, SecretKeySpec> keys;
  private final String currentId;

  private MasterKeys(Map<String, SecretKeySpec> keys, String currentId) {
    this.keys = Map.copyOf(keys);
    this.currentId = currentId;
  }

  public static MasterKeys load(Function<String, String> env) throws IOException {
    String inline = env.apply(KEYS_ENV);
    if (inline != null && !inline.isBlank()) {
      return parse(inline, KEYS_ENV);
    }
    String file = env.apply(FILE_ENV);
    if (file != null && !file.isBlank()) {
      return parse(Files.readString(Path.of(file)), file);
    }
    if (Boolean.parseBoolean(env.apply(REQUIRE_ENV))) {
      throw new IllegalStateException(
          "no master key: set " + KEYS_ENV + " or " + FILE_ENV + " (" + REQUIRE_ENV + " is true)");
    }
    return development(Path.of("data", "master.key"));
  }

  static MasterKeys development(Path file) throws IOException {
    if (!Files.exists(file)) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, "dev:" + Base64.getEncoder().encodeToString(random(KEY_BYTES)));
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: the directory's permissions protect it.
      }
      LOG.warn("made a development master key in {}: not for production", file);
    } else {
      LOG.warn("using the development master key in {}: not for production", file);
    }
    return parse(Files.readString(file), file.toString());
  }

  /** Entries {@code ID:BASE64} of 32 bytes; {@code origin} names the source, never the text. */
  static MasterKeys parse(String text, String origin) {
    Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    String current = null;
    for (String entry : text.strip().split("[\\s,]+")) {
      Matcher id = ENTRY.matcher(entry);
      if (!id.matches()) {
        throw new IllegalStateException(
            "master keys in " + origin + ": each entry must be ID:BASE64 of 32 bytes");
      }
      current = id.group(1);
      keys.put(current, new SecretKeySpec(Base64.getDecoder().decode(id.group(2)), "AES"));
    }
    return new MasterKeys(keys, current);
  }

  public String currentId() {
    return currentId;
  }

  String wrap(byte[] dataKey, String binding) {
    return Base64.getEncoder().encodeToString(seal(keys.get(currentId), dataKey, binding));
  }

  byte[] unwrap(String masterId, String wrapped, String binding) {
    SecretKeySpec master = keys.get(masterId);
    if (master == null) {
      throw new IllegalStateException(
          "data keys are wrapped by master key '" + masterId + "', which is not configured");
    }
    try {
      return open(master, Base64.getDecoder().decode(wrapped), binding);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("a data key does not unwrap with master key " + masterId);
    }
  }

  /** Nonce, ciphertext and tag of {@code plain}, bound to {@code binding}. */
  static byte[] seal(SecretKeySpec key, byte[] plain, String binding) {
    byte[] nonce = random(NONCE_BYTES);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(binding.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = new byte[NONCE_BYTES + cipher.getOutputSize(plain.length)];
      System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
      cipher.doFinal(plain, 0, plain.length, sealed, NONCE_BYTES);
      return sealed;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** Throws when the value was changed, or sealed with another key or binding. */
  static byte[] open(SecretKeySpec key, byte[] sealed, String binding)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
    cipher.updateAAD(binding.getBytes(StandardCharsets.UTF_8));
    return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
  }

  static byte[] random(int bytes) {
    byte[] value = new byte[bytes];
    RANDOM.nextBytes(value);
    return value;
  }
}
