--liquibase formatted sql

--changeset corpus:drop-idx-email runInTransaction:false
DROP INDEX CONCURRENTLY customers_email_idx;
