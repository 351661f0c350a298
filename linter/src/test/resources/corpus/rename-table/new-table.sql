--liquibase formatted sql

--changeset corpus:create-invoices
CREATE TABLE invoice (id bigint);
ALTER TABLE invoice RENAME TO invoices;
