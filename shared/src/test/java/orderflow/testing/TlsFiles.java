package orderflow.testing;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;

/** A self-signed certificate for 127.0.0.1 and localhost, made by the JDK's keytool, for tests. */
public final class TlsFiles {
  private TlsFiles() {}

  /** A PKCS#12 key store in {@code dir} holding the key pair under the alias {@code tls}. */
  public static KeyStore selfSigned(Path dir, char[] password) throws Exception {
    Path file = dir.resolve("tls-" + System.nanoTime() + ".p12");
    Process keytool =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair",
                    "-alias",
                    "tls",
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-dname",
                    "CN=localhost",
                    "-ext",
                    "san=ip:127.0.0.1,dns:localhost",
                    "-validity",
                    "2",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    file.toString(),
                    "-storepass",
                    new String(password),
                    "-keypass",
                    new String(password)))
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    if (keytool.waitFor() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    }
    return store;
  }

  /** Writes the store's certificate and PKCS#8 key as {@code cert.pem} and {@code key.pem}. */
  public static void writePem(KeyStore store, char[] password, Path dir) throws Exception {
    Key key = store.getKey("tls", password);
    byte[] cert = store.getCertificate("tls").getEncoded();
    Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", cert));
    Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", key.getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
