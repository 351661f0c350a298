--liquibase formatted sql

--changeset project:segment
SET lock_timeout = '2s';
ALTER TABLE customers ADD COLUMN segment varchar(20);
