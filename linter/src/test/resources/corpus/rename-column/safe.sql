--liquibase formatted sql

--changeset corpus:expand-email-address
SET lock_timeout = '2s';
ALTER TABLE customers ADD COLUMN email_address varchar(100);
