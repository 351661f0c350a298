--liquibase formatted sql

--changeset corpus:create-invoices
CREATE TABLE invoices (id int);
ALTER TABLE invoices ALTER COLUMN id TYPE bigint;
