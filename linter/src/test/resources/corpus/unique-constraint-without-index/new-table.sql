--liquibase formatted sql

--changeset corpus:create-invoices
CREATE TABLE invoices (id bigint, number varchar(20));
ALTER TABLE invoices ADD PRIMARY KEY (id);
ALTER TABLE invoices ADD CONSTRAINT invoices_number_key UNIQUE (number);
