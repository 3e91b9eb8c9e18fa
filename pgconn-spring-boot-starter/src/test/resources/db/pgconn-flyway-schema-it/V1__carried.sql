-- unqualified: lands in the connection's current schema (search_path), as flyway_schema_history does
CREATE TABLE carried (search_path text, lock_timeout text, statement_timeout text);
INSERT INTO carried VALUES (current_setting('search_path'), current_setting('lock_timeout'), current_setting('statement_timeout'));
