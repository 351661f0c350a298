--liquibase formatted sql

--changeset corpus:rename-customers
SET lock_timeout = '2s';
ALTER TABLE customers RENAME TO clients;
