CREATE TYPE order_status AS ENUM ('new', 'paid');
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status order_status NOT NULL);
INSERT INTO orders (status) VALUES ('paid');
