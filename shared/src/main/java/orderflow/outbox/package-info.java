/** The broker side of the outbox: the process's one publisher of committed rows. */
package orderflow.outbox;
