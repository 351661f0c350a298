--liquibase formatted sql

--changeset corpus:add-segment
ALTER TABLE customers ADD COLUMN segment varchar(20);
SET lock_timeout = '2s';
