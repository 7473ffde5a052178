-- Each customer's data key, wrapped by a master key; a tombstone (no wrapped key, erased_at set)
-- once the customer's personal data is erased (orderflow.privacy.CustomerKeys).
CREATE TABLE customer_keys (
  customer_id VARCHAR(200) PRIMARY KEY,
  key_id VARCHAR(64),
  master_key_id VARCHAR(64),
  wrapped_key VARCHAR(200),
  created_at BIGINT NOT NULL,
  erased_at BIGINT
);
