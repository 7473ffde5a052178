/** OpenTelemetry traces of one order through every service, W3C context in headers and rows. */
package orderflow.trace;
