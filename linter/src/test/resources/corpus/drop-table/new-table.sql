--liquibase formatted sql

--changeset corpus:scratch
CREATE TABLE scratch (id bigint);
DROP TABLE scratch;
