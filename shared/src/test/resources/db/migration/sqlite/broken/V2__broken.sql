INSERT INTO broken_items VALUES ('half');
INSERT INTO nowhere VALUES (1);
