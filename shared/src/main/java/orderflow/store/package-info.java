/** JDBC state (SQLite or PostgreSQL): migrations, the inbox and the outbox; no broker here. */
package orderflow.store;
