--liquibase formatted sql

--changeset corpus:add-touched-at
SET lock_timeout = '2s';
ALTER TABLE customers ADD COLUMN touched_at timestamptz DEFAULT now();
