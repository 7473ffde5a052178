package orderflow.orderservice.auth;

import java.util.Set;

/** Who made a request, from its access token's {@code sub}, {@code client_id} and scopes. */
public record Caller(String customerId, String clientId, Set<String> scopes) {
  public static final String READ = "orders:read";
  public static final String WRITE = "orders:write";
  public static final String ADMIN = "orders:admin";

  /** With authentication off: an admin without a name. */
  public static final Caller ANYONE = new Caller(null, null, Set.of(ADMIN));

  public Caller {
    scopes = Set.copyOf(scopes);
  }

  public boolean admin() {
    return scopes.contains(ADMIN);
  }

  public boolean may(String scope) {
    return admin() || scopes.contains(scope);
  }

  public boolean owns(String customerId) {
    return admin() || this.customerId.equals(customerId);
  }
}
