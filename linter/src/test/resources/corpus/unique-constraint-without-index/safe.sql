--liquibase formatted sql

--changeset corpus:orders-pk-index runInTransaction:false
CREATE UNIQUE INDEX CONCURRENTLY orders_pkey ON orders (id);

--changeset corpus:orders-pk
SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_pkey;
