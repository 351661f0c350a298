--liquibase formatted sql

--changeset corpus:create-invoices
CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint);

--changeset corpus:idx-invoices-customer
CREATE INDEX invoices_customer_idx ON invoices (customer_id);
