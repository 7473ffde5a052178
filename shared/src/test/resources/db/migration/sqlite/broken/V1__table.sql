CREATE TABLE broken_items (name TEXT);
