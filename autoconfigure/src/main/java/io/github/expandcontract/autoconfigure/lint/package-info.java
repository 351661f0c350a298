/**
 * The migration linter at application startup: lints each Liquibase changelog before Liquibase runs it.
 */
@NullMarked
package io.github.expandcontract.autoconfigure.lint;

import org.jspecify.annotations.NullMarked;
