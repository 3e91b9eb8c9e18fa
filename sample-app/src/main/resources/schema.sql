-- The sample's one table, created at start-up by Boot's SQL initialization (spring.sql.init.mode=always)
-- through the R2DBC ConnectionFactory, so over pgconn's pool. The server fills in where each row was
-- written: the address and port of the server that ran the INSERT.
CREATE TABLE IF NOT EXISTS note (
    id          BIGSERIAL PRIMARY KEY,
    text        TEXT NOT NULL,
    server_addr TEXT DEFAULT host(inet_server_addr()),
    server_port INT DEFAULT inet_server_port(),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
