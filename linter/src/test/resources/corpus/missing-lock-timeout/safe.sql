--liquibase formatted sql

--changeset corpus:lock-timeout runAlways:true
SET lock_timeout = '2s';

--changeset corpus:add-segment
ALTER TABLE customers ADD COLUMN segment varchar(20);
