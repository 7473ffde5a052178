/**
 * The whole broker topology of docs/architecture.md section 4, defined once ({@link
 * orderflow.topology.Topology}) and declared or verified by every process.
 */
package orderflow.topology;
