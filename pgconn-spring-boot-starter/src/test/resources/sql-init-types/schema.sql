CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
CREATE TABLE shipment (id BIGSERIAL PRIMARY KEY, status order_status NOT NULL, allowed order_status[]);
