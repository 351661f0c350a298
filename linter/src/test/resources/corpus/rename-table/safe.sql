--liquibase formatted sql

--changeset corpus:create-clients
CREATE TABLE clients (id bigint PRIMARY KEY, email varchar(100));
CREATE VIEW customers_v AS SELECT id, email FROM clients;
