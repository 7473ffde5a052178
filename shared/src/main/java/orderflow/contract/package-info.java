/**
 * The event contract as documents other tools read: the JSON Schema of each event type and version
 * ({@link orderflow.contract.EventSchemas}), shipped as resources under {@code orderflow/schemas/}.
 */
package orderflow.contract;
