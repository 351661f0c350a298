--liquibase formatted sql

--changeset corpus:create-invoices
CREATE TABLE invoices (id bigint);

--changeset corpus:idx-invoices
CREATE INDEX CONCURRENTLY invoices_id_idx ON invoices (id);
