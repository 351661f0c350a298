/**
 * Liquibase changes that alter a busy PostgreSQL table without holding a lock that blocks its
 * writers for longer than a short {@code lock_timeout}. On other databases they fall back to
 * Liquibase's standard change with a logged warning.
 */
package io.github.expandcontract.liquibase.change;
