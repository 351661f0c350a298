--liquibase formatted sql

--changeset corpus:create-invoices
CREATE TABLE invoices (id bigint, number varchar(20));
ALTER TABLE invoices ALTER COLUMN number SET NOT NULL;
