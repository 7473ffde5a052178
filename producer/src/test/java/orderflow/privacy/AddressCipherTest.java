package orderflow.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import orderflow.envelope.OrderCreated;
import orderflow.envelope.OrderItem;
import orderflow.envelope.ShippingAddress;
import orderflow.orderservice.OrderService;
import orderflow.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddressCipherTest {
  private static final ShippingAddress HOME =
      new ShippingAddress("Damrak 1", "Amsterdam", "1012 LG", "NL");
  private static final String A = "a:" + key(1);
  private static final String B = "b:" + key(2);

  @TempDir Path dir;
  private Database database;
  private Connection connection;

  @BeforeEach
  void open() throws Exception {
    database = Database.open("jdbc:sqlite:" + dir.resolve("orders.db"));
    database.migrate(OrderService.NAME);
    connection = database.open();
  }

  @AfterEach
  void close() throws Exception {
    connection.close();
    database.close();
  }

  @Test
  void anyAddressRoundTripsAndNoSealedValueHoldsItsTextOrRepeats() throws Exception {
    AddressCipher cipher = cipher(A);
    Random random = new Random(42);
    for (int i = 0; i < 200; i++) {
      ShippingAddress clear =
          new ShippingAddress(
              "Rue " + text(random), random.nextBoolean() ? null : text(random), "x", "NL");
      OrderCreated order = order("o-" + i, "c-" + (i % 7), clear, cipher);
      ShippingAddress sealed = order.shippingAddress();
      assertTrue(sealed.isSealed());
      assertFalse(sealed.street().contains(clear.street()));
      assertEquals(Optional.of(clear), cipher.open(connection, order));
      assertNotEquals(
          sealed.street(), order("o-" + i, "c-1", clear, cipher).shippingAddress().street());
    }
  }

  @Test
  void aChangedByteIsRefused() throws Exception {
    AddressCipher cipher = cipher(A);
    OrderCreated order = order("o-1", "c-1", HOME, cipher);
    String street = order.shippingAddress().street();
    int data = street.lastIndexOf('.') + 1;
    for (int at = data; at < street.length(); at++) {
      char changed = street.charAt(at) == 'A' ? 'B' : 'A';
      String forged = street.substring(0, at) + changed + street.substring(at + 1);
      OrderCreated tampered = with(order, forged, order.shippingAddress().city());
      assertThrows(IllegalStateException.class, () -> cipher.open(connection, tampered));
    }
  }

  @Test
  void aValueMovedToAnotherOrderOrFieldIsRefused() throws Exception {
    AddressCipher cipher = cipher(A);
    OrderCreated first = order("o-1", "c-1", HOME, cipher);
    OrderCreated second = order("o-2", "c-1", HOME, cipher);
    OrderCreated moved =
        with(second, first.shippingAddress().street(), second.shippingAddress().city());
    OrderCreated swapped =
        with(first, first.shippingAddress().city(), first.shippingAddress().street());

    assertThrows(IllegalStateException.class, () -> cipher.open(connection, moved));
    assertThrows(IllegalStateException.class, () -> cipher.open(connection, swapped));
  }

  @Test
  void anotherKeyIdReadsAsErasedOrIsRefusedNeverAsAnotherCustomersData() throws Exception {
    AddressCipher cipher = cipher(A);
    OrderCreated mine = order("o-1", "c-1", HOME, cipher);
    OrderCreated theirs =
        order("o-1", "c-2", new ShippingAddress("Elsewhere 9", "Utrecht", "3511", "NL"), cipher);
    String theirKey = theirs.shippingAddress().street().split("\\.")[1];
    String myStreet = mine.shippingAddress().street();
    String unknownKey = myStreet.replaceFirst("enc1\\.[^.]+\\.", "enc1.unknown.");
    String otherKey = myStreet.replaceFirst("enc1\\.[^.]+\\.", "enc1." + theirKey + ".");

    assertEquals(Optional.empty(), cipher.open(connection, with(mine, unknownKey, null)));
    assertEquals(Optional.empty(), cipher.open(connection, with(mine, otherKey, null)));
  }

  @Test
  void anErasedKeyReadsAsErasedAndAFreshKeyNeverOpensTheOldValues() throws Exception {
    AddressCipher cipher = cipher(A);
    OrderCreated before = order("o-1", "c-1", HOME, cipher);
    OrderCreated other = order("o-2", "c-2", HOME, cipher);

    CustomerKeys.Erasure first = CustomerKeys.erase(connection, "c-1", Instant.ofEpochMilli(1000));
    CustomerKeys.Erasure again = CustomerKeys.erase(connection, "c-1", Instant.ofEpochMilli(2000));
    OrderCreated after = order("o-3", "c-1", HOME, cipher);

    assertEquals(new CustomerKeys.Erasure(Instant.ofEpochMilli(1000), true), first);
    assertEquals(new CustomerKeys.Erasure(Instant.ofEpochMilli(1000), false), again);
    assertEquals(Optional.empty(), cipher.open(connection, before));
    assertEquals(Optional.of(HOME), cipher.open(connection, other));
    assertEquals(Optional.of(HOME), cipher.open(connection, after));
    assertEquals(Optional.empty(), cipher.open(connection, before));
  }

  @Test
  void erasingAnUnknownCustomerIsNotAnErrorAndAnswersTheSameTwice() throws Exception {
    CustomerKeys.Erasure first = CustomerKeys.erase(connection, "nobody", Instant.ofEpochMilli(5));
    CustomerKeys.Erasure again = CustomerKeys.erase(connection, "nobody", Instant.ofEpochMilli(9));

    assertTrue(first.first());
    assertEquals(new CustomerKeys.Erasure(Instant.ofEpochMilli(5), false), again);
  }

  @Test
  void valuesFromBeforeAndAfterAMasterKeyRotationOpenUntilAndAfterTheRewrap() throws Exception {
    OrderCreated before = order("o-1", "c-1", HOME, cipher(A));
    AddressCipher both = cipher(A + "," + B);
    OrderCreated after = order("o-2", "c-2", HOME, both);

    assertEquals(Optional.of(HOME), both.open(connection, before));
    assertEquals(Optional.of(HOME), both.open(connection, after));
    assertThrows(IllegalStateException.class, () -> cipher(A).open(connection, after));
    CustomerKeys keys =
        new CustomerKeys(MasterKeys.load(Map.of(MasterKeys.KEYS_ENV, A + "," + B)::get));
    assertEquals(1, keys.rewrap(connection));
    assertEquals(0, keys.rewrap(connection));

    AddressCipher onlyNew = cipher(B);
    assertEquals(Optional.of(HOME), onlyNew.open(connection, before));
    assertEquals(Optional.of(HOME), onlyNew.open(connection, after));
    assertThrows(IllegalStateException.class, () -> cipher(A).open(connection, before));
  }

  @Test
  void productionRefusesToStartWithoutAMasterKeyAndDevelopmentMakesOne() throws Exception {
    assertThrows(
        IllegalStateException.class,
        () -> MasterKeys.load(Map.of(MasterKeys.REQUIRE_ENV, "true")::get));
    assertThrows(
        IllegalStateException.class,
        () -> MasterKeys.load(Map.of(MasterKeys.KEYS_ENV, "a:c2hvcnQ=")::get));
    Path file = dir.resolve("data/master.key");
    MasterKeys made = MasterKeys.development(file);
    assertEquals("dev", made.currentId());
    assertEquals(made.currentId(), MasterKeys.development(file).currentId());
    assertTrue(Files.readString(file).startsWith("dev:"));
    Path configured = dir.resolve("keys");
    Files.writeString(configured, A + "\n" + B + "\n");
    assertEquals(
        "b", MasterKeys.load(Map.of(MasterKeys.FILE_ENV, configured.toString())::get).currentId());
  }

  private OrderCreated order(
      String orderId, String customerId, ShippingAddress clear, AddressCipher cipher)
      throws Exception {
    return OrderCreated.of(
        orderId,
        customerId,
        List.of(new OrderItem("sku-1", 1, BigDecimal.ONE)),
        cipher.seal(connection, orderId, customerId, clear));
  }

  private static OrderCreated with(OrderCreated order, String street, String city) {
    ShippingAddress a = order.shippingAddress();
    return new OrderCreated(
        order.orderId(),
        order.customerId(),
        order.items(),
        order.totalAmount(),
        new ShippingAddress(street, city, a.postalCode(), a.country()));
  }

  private static AddressCipher cipher(String keys) throws Exception {
    return new AddressCipher(MasterKeys.load(Map.of(MasterKeys.KEYS_ENV, keys)::get));
  }

  private static String key(int seed) {
    byte[] key = new byte[32];
    new Random(seed).nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** 1 to 128 characters from several scripts, without control characters. */
  private static String text(Random random) {
    String alphabet = "abcXYZ 019-é߷ß中文🙂,.'/#";
    StringBuilder text = new StringBuilder("s");
    int length = random.nextInt(60);
    for (int i = 0; i < length; i++) {
      text.appendCodePoint(
          alphabet.codePointAt(
              alphabet.offsetByCodePoints(
                  0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
    }
    return text.toString();
  }
}
