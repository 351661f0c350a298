/**
 * Liquibase extensions of expand-contract: online schema changes for busy PostgreSQL tables
 * ({@code createIndexConcurrently}, {@code addNotNullConstraintOnline}) and preconditions that keep a
 * changelog's contract step from running before the data is safe ({@code migrationVerified},
 * {@code noOldColumnWriters}). Liquibase finds them through {@code META-INF/services}; the XML
 * namespace is {@value io.github.expandcontract.liquibase.ExpandContractNamespaceDetails#NAMESPACE}.
 */
package io.github.expandcontract.liquibase;
