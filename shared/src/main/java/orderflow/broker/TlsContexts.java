package orderflow.broker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The {@link SSLContext} an {@code amqps://} connection verifies the broker with: the JVM's own
 * (its trust store, {@code -Djavax.net.ssl.trustStore}, and any client key store {@code
 * -Djavax.net.ssl.keyStore}), or one that trusts exactly the CA certificates of a PEM file ({@code
 * --tls-ca}). Either way a real {@link TrustManagerFactory} checks the chain; never a
 * trust-everything manager.
 *
 * <p>Stateless and thread-safe.
 */
final class TlsContexts {
  private TlsContexts() {}

  /**
   * @param caFile PEM file of one or more CA certificates, or null for the JVM's defaults
   * @throws IllegalArgumentException when the file cannot be read or holds no certificate
   */
  static SSLContext create(Path caFile) {
    try {
      if (caFile == null) {
        return SSLContext.getDefault();
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStoreOf(caFile));
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "--tls-ca " + caFile + ": not a PEM CA certificate (" + e.getMessage() + ")", e);
    }
  }

  private static KeyStore trustStoreOf(Path caFile) throws GeneralSecurityException {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(caFile)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("--tls-ca " + caFile + ": cannot read it (" + e + ")", e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("--tls-ca " + caFile + ": no PEM certificate in it");
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create an empty key store", e);
    }
    int index = 0;
    for (Certificate certificate : certificates) {
      store.setCertificateEntry("ca-" + index++, certificate);
    }
    return store;
  }
}
