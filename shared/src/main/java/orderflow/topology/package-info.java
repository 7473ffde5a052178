/**
 * The whole broker topology of DESIGN section 3, defined once ({@link orderflow.topology.Topology})
 * and declared or verified by every process.
 */
package orderflow.topology;
