--liquibase formatted sql

--changeset corpus:add-touched-at
ALTER TABLE customers ADD COLUMN touched_at timestamptz DEFAULT clock_timestamp();
