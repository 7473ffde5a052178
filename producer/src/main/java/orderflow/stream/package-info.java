/**
 * Reading the events stream (docs/architecture.md section 4.1): where to start ({@link
 * orderflow.stream.StreamStart}) and the walk up to where the stream ended when reading began, or
 * live ({@link orderflow.stream.StreamWalk}).
 */
package orderflow.stream;
