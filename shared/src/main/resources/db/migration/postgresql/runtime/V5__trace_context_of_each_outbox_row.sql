-- NULL: no trace (tracing off, or an older row); the publish starts none.
ALTER TABLE outbox ADD COLUMN traceparent TEXT;
ALTER TABLE outbox ADD COLUMN tracestate TEXT;
