--liquibase formatted sql

--changeset corpus:add-columns runInTransaction:false
SET lock_timeout = '2s';
ALTER TABLE customers ADD COLUMN segment varchar(20);
ALTER TABLE orders ADD COLUMN channel varchar(20);
