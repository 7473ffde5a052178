-- pg_dump of a schema migrated by the previous code (Java migrations in Flyway's history): runtime and the test component items.
CREATE TABLE flyway_history_items (
    installed_rank integer NOT NULL,
    version character varying(50),
    description character varying(200) NOT NULL,
    type character varying(20) NOT NULL,
    script character varying(1000) NOT NULL,
    checksum integer,
    installed_by character varying(100) NOT NULL,
    installed_on timestamp without time zone DEFAULT now() NOT NULL,
    execution_time integer NOT NULL,
    success boolean NOT NULL
);
CREATE TABLE flyway_history_runtime (
    installed_rank integer NOT NULL,
    version character varying(50),
    description character varying(200) NOT NULL,
    type character varying(20) NOT NULL,
    script character varying(1000) NOT NULL,
    checksum integer,
    installed_by character varying(100) NOT NULL,
    installed_on timestamp without time zone DEFAULT now() NOT NULL,
    execution_time integer NOT NULL,
    success boolean NOT NULL
);
CREATE TABLE inbox (
    consumer character varying(200) NOT NULL,
    event_id character varying(36) NOT NULL,
    received_at bigint NOT NULL,
    payload_digest character varying(64)
);
CREATE TABLE items (
    id bigint NOT NULL,
    name text,
    data bytea
);
CREATE SEQUENCE items_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE items_id_seq OWNED BY items.id;
CREATE TABLE outbox (
    id bigint NOT NULL,
    event_id character varying(36) NOT NULL,
    event_type character varying(100) NOT NULL,
    exchange character varying(255) NOT NULL,
    routing_key character varying(255) NOT NULL,
    body bytea NOT NULL,
    created_at bigint NOT NULL,
    sent_at bigint,
    correlation_id character varying(200),
    source character varying(200),
    event_version character varying(20),
    occurred_at bigint,
    traceparent text,
    tracestate text
);
CREATE SEQUENCE outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE outbox_id_seq OWNED BY outbox.id;
ALTER TABLE ONLY items ALTER COLUMN id SET DEFAULT nextval('items_id_seq'::regclass);
ALTER TABLE ONLY outbox ALTER COLUMN id SET DEFAULT nextval('outbox_id_seq'::regclass);
INSERT INTO flyway_history_items VALUES (1, '0', 'history starts here', 'BASELINE', 'history starts here', NULL, 'postgres', '2026-12-07 18:01:35.613882', 0, true);
INSERT INTO flyway_history_items VALUES (2, '1', 'items', 'JDBC', 'orderflow.store.StatementMigration', -505206871, 'postgres', '2026-12-07 18:01:35.648648', 9, true);
INSERT INTO flyway_history_items VALUES (3, '2', 'seed', 'JDBC', 'orderflow.store.StatementMigration', 964873591, 'postgres', '2026-12-07 18:01:35.676783', 7, true);
INSERT INTO flyway_history_runtime VALUES (1, '1', 'inbox of applied event ids', 'JDBC', 'orderflow.store.StatementMigration', 166842281, 'postgres', '2026-12-07 18:01:35.276707', 15, true);
INSERT INTO flyway_history_runtime VALUES (2, '2', 'outbox of committed events to publish', 'JDBC', 'orderflow.store.StatementMigration', 1117797879, 'postgres', '2026-12-07 18:01:35.365282', 9, true);
INSERT INTO flyway_history_runtime VALUES (3, '3', 'payload digest of each applied event id', 'JDBC', 'orderflow.store.StatementMigration', 1771136112, 'postgres', '2026-12-07 18:01:35.388379', 2, true);
INSERT INTO flyway_history_runtime VALUES (4, '4', 'what a publish needs beside the body, and the inbox''s age for retention', 'JDBC', 'orderflow.store.StatementMigration', 655308365, 'postgres', '2026-12-07 18:01:35.399384', 3, true);
INSERT INTO flyway_history_runtime VALUES (5, '5', 'the W3C trace context each outbox row was written in', 'JDBC', 'orderflow.store.StatementMigration', 1784773100, 'postgres', '2026-12-07 18:01:35.4184', 1, true);
INSERT INTO inbox VALUES ('items', 'e-1', 1, NULL);
INSERT INTO items VALUES (1, 'first', NULL);
ALTER TABLE ONLY flyway_history_items
    ADD CONSTRAINT flyway_history_items_pk PRIMARY KEY (installed_rank);
ALTER TABLE ONLY flyway_history_runtime
    ADD CONSTRAINT flyway_history_runtime_pk PRIMARY KEY (installed_rank);
ALTER TABLE ONLY inbox
    ADD CONSTRAINT inbox_pkey PRIMARY KEY (consumer, event_id);
ALTER TABLE ONLY items
    ADD CONSTRAINT items_pkey PRIMARY KEY (id);
ALTER TABLE ONLY outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (id);
CREATE INDEX flyway_history_items_s_idx ON flyway_history_items USING btree (success);
CREATE INDEX flyway_history_runtime_s_idx ON flyway_history_runtime USING btree (success);
CREATE INDEX inbox_received_at ON inbox USING btree (received_at);
CREATE INDEX outbox_sent_at ON outbox USING btree (sent_at);
CREATE INDEX outbox_unsent ON outbox USING btree (id) WHERE (sent_at IS NULL);
