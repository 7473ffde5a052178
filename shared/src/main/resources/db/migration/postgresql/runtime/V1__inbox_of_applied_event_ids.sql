CREATE TABLE inbox (
  consumer VARCHAR(200) NOT NULL,
  event_id VARCHAR(36) NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (consumer, event_id));
