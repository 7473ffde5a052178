CREATE TABLE applied (order_id VARCHAR(64) NOT NULL);
