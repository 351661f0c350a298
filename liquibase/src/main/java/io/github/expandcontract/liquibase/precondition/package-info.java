/**
 * Liquibase preconditions that read expand-contract's state tables, so that a changelog's
 * contract step (dropping the old column, making the new one NOT NULL) cannot run before the
 * data is safe or while an instance still writes the old column.
 */
package io.github.expandcontract.liquibase.precondition;
