/**
 * JDBC state for the services: SQLite files by default, PostgreSQL by URL; versioned migrations;
 * the inbox (idempotency) and the outbox (events committed with the state change, published after
 * by {@code orderflow.outbox}). Plain JDBC: nothing here talks to the broker.
 */
package orderflow.store;
