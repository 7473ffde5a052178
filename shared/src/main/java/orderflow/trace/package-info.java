/**
 * OpenTelemetry traces that follow one order through every service (docs/architecture.md, section
 * 9.3): the process's tracer, W3C trace context in AMQP headers and outbox rows, and the spans of
 * the messaging semantic conventions.
 */
package orderflow.trace;
