--liquibase formatted sql

--changeset corpus:create-tables
CREATE TABLE invoices (id bigint);
CREATE TABLE invoice_lines (id bigint);
ALTER TABLE invoices ADD COLUMN number varchar(20);
ALTER TABLE invoice_lines ADD COLUMN invoice_id bigint;
