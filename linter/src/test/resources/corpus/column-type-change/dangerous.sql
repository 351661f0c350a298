--liquibase formatted sql

--changeset corpus:email-shorter
SET lock_timeout = '2s';
ALTER TABLE customers ALTER COLUMN email TYPE varchar(50);
