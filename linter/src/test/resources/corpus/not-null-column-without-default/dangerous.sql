--liquibase formatted sql

--changeset corpus:add-status
SET lock_timeout = '2s';
ALTER TABLE customers ADD COLUMN status varchar(20) NOT NULL;
