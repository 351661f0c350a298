--liquibase formatted sql

--changeset corpus:drop-idx-email
DROP INDEX CONCURRENTLY customers_email_idx;
