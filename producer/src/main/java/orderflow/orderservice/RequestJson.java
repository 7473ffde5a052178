package orderflow.orderservice;

import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import orderflow.config.LogSafe;
import orderflow.envelope.EventCodec;

/**
 * Binds a request body onto a record that validates itself: exactly one JSON value, no coercion
 * between JSON types. Any failure is an {@link InvalidRequestException} naming the field: Jackson's
 * path, or the first word of the record's own message (its rules begin with the field's name).
 */
final class RequestJson {
  private static final ObjectReader READER;

  static {
    ObjectMapper mapper = EventCodec.mapper().copy();
    for (CoercionInputShape shape :
        new CoercionInputShape[] {
          CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean
        }) {
      mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
    READER = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  private RequestJson() {}

  static <T> T read(byte[] body, Class<T> type) {
    T value;
    try {
      value = READER.readValue(body, type);
    } catch (DatabindException e) {
      throw invalid(e);
    } catch (IOException e) {
      throw new InvalidRequestException("body", "body: malformed JSON or more than one value");
    }
    if (value == null) {
      throw new InvalidRequestException("body", "body: must be a JSON object");
    }
    return value;
  }

  private static InvalidRequestException invalid(DatabindException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference step : ((JsonMappingException) e).getPath()) {
      if (step.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(step.getFieldName());
      } else if (step.getIndex() >= 0) {
        path.append('[').append(step.getIndex()).append(']');
      }
    }
    if (!(e.getCause() instanceof IllegalArgumentException rule)) {
      String field = path.length() == 0 ? "body" : path.toString();
      return new InvalidRequestException(
          field, field + (path.length() == 0 ? ": must be a JSON object" : ": wrong type or form"));
    }
    String message = LogSafe.escape(String.valueOf(rule.getMessage()), 300);
    String word = message.split(" ", 2)[0];
    String field =
        path.length() == 0 || word.startsWith(path.toString()) ? word : path + "." + word;
    return new InvalidRequestException(field, field + message.substring(word.length()));
  }
}
