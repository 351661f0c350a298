--liquibase formatted sql

--changeset corpus:email-not-null
SET lock_timeout = '2s';
ALTER TABLE customers ALTER COLUMN email SET NOT NULL;
