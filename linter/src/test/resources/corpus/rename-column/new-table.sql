--liquibase formatted sql

--changeset corpus:create-invoices
CREATE TABLE invoices (nr varchar(20));
ALTER TABLE invoices RENAME COLUMN nr TO number;
