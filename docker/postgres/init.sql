-- One database per service: each has its own inbox and outbox tables.
CREATE DATABASE inventory;
CREATE DATABASE shipping;
CREATE DATABASE orders;
