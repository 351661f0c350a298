--liquibase formatted sql

--changeset tests:lock-timeout runAlways:true
SET lock_timeout = '2s';

--changeset tests:index-owner
CREATE INDEX accounts_owner_idx ON accounts (owner);

--changeset tests:owner-wider
ALTER TABLE accounts ALTER COLUMN owner TYPE varchar(80);
