-- unqualified: lands in the connection's current schema (search_path), as flyway_schema_history does; the sleep
-- outlasts the application's 1 ms statement_timeout, which is not a migration's bound
SELECT pg_sleep(0.05);
CREATE TABLE carried (search_path text, work_mem text, maintenance_work_mem text, statement_timeout text, lock_timeout text);
INSERT INTO carried VALUES (current_setting('search_path'), current_setting('work_mem'),
    current_setting('maintenance_work_mem'), current_setting('statement_timeout'), current_setting('lock_timeout'));
