/**
 * Reading the events stream (docs/architecture.md section 4.1): where to start ({@link
 * orderflow.stream.StreamStart}), the deliveries with their offsets ({@link
 * orderflow.stream.StreamReader}), and where the stream ended when reading began ({@link
 * orderflow.stream.StreamBoundary}).
 */
package orderflow.stream;
