/**
 * The event envelope of docs/architecture.md section 3: immutable event types, their payloads, and
 * the JSON codec that turns bytes into validated events (or a precise {@link
 * orderflow.envelope.InvalidEventException}).
 */
package orderflow.envelope;
