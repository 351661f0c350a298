--liquibase formatted sql

--changeset corpus:create-invoices
CREATE TABLE invoices (id bigint);
ALTER TABLE invoices ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
