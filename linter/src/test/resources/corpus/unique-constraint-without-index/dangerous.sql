--liquibase formatted sql

--changeset corpus:orders-pk
ALTER TABLE orders ADD PRIMARY KEY (id);
