--liquibase formatted sql

--changeset corpus:score-big-expand
SET lock_timeout = '2s';
ALTER TABLE customers ADD COLUMN score_big bigint;
