--liquibase formatted sql

--changeset pgconn:1
CREATE TABLE parcels (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text NOT NULL);
INSERT INTO parcels (label) VALUES ('sent');
