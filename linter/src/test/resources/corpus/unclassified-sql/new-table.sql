--liquibase formatted sql

--changeset corpus:create-staging
CREATE TABLE staging_customers (id bigint);
ALTER TABLE staging_customers SET UNLOGGED;
