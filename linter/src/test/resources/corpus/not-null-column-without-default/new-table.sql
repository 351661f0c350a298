--liquibase formatted sql

--changeset corpus:create-invoices
CREATE TABLE invoices (id bigint);
ALTER TABLE invoices ADD COLUMN number varchar(20) NOT NULL;
