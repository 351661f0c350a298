--liquibase formatted sql

--changeset corpus:rename-email
SET lock_timeout = '2s';
ALTER TABLE customers RENAME COLUMN email TO email_address;
