--liquibase formatted sql

--changeset corpus:create-invoices
CREATE TABLE invoices (id bigint, amount numeric(10,2));
ALTER TABLE invoices ADD CONSTRAINT invoices_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE invoices VALIDATE CONSTRAINT invoices_amount_positive;
