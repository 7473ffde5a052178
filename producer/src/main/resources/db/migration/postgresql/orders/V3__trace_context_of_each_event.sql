-- NULL when tracing was off. An operator goes from an order to its trace; a later cancellation
-- continues the trace its order was placed in.
ALTER TABLE order_events ADD COLUMN traceparent TEXT;
