package orderflow.store;

import java.util.List;

/** The consumer runtime's own tables: the inbox (idempotency) and the outbox. */
final class RuntimeSchema {
  static final String COMPONENT = "runtime";

  static final List<Migration> MIGRATIONS =
      List.of(
          new Migration(
              1,
              "inbox of applied event ids",
              List.of(
                  "CREATE TABLE inbox ("
                      + " consumer VARCHAR(200) NOT NULL,"
                      + " event_id VARCHAR(36) NOT NULL,"
                      + " received_at BIGINT NOT NULL,"
                      + " PRIMARY KEY (consumer, event_id))")),
          new Migration(
              2,
              "outbox of committed events to publish",
              List.of(
                  "CREATE TABLE outbox ("
                      + " id ${AUTO_ID},"
                      + " event_id VARCHAR(36) NOT NULL,"
                      + " event_type VARCHAR(100) NOT NULL,"
                      + " exchange VARCHAR(255) NOT NULL,"
                      + " routing_key VARCHAR(255) NOT NULL,"
                      + " body ${BLOB} NOT NULL,"
                      + " created_at BIGINT NOT NULL,"
                      + " sent_at BIGINT)",
                  // The publisher reads unsent rows in id order; the partial index keeps that cheap
                  // however many sent rows wait for clean-up.
                  "CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL",
                  "CREATE INDEX outbox_sent_at ON outbox (sent_at)")),
          new Migration(
              3,
              "payload digest of each applied event id",
              List.of("ALTER TABLE inbox ADD COLUMN payload_digest VARCHAR(64)")),
          new Migration(
              4,
              "what a publish needs beside the body, and the inbox's age for retention",
              List.of(
                  // Rows written before this migration keep NULLs: they are published with the
                  // properties the columns they do have give (message id, type).
                  "ALTER TABLE outbox ADD COLUMN correlation_id VARCHAR(200)",
                  "ALTER TABLE outbox ADD COLUMN source VARCHAR(200)",
                  "ALTER TABLE outbox ADD COLUMN event_version VARCHAR(20)",
                  "ALTER TABLE outbox ADD COLUMN occurred_at BIGINT",
                  "CREATE INDEX inbox_received_at ON inbox (received_at)")),
          new Migration(
              5,
              "the W3C trace context each outbox row was written in",
              List.of(
                  // NULL: no trace (tracing off, or an older row); the publish starts none.
                  "ALTER TABLE outbox ADD COLUMN traceparent TEXT",
                  "ALTER TABLE outbox ADD COLUMN tracestate TEXT")));

  private RuntimeSchema() {}
}
